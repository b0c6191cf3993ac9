"""Patterns a departure may follow: the same channels in another concatenation order, or the
reference's output scaled and shifted."""

from __future__ import annotations

import numpy as np

from cnngrade.grader.code.module_reference import ReferenceRun


def close(a, b, rtol=1e-3, atol=1e-4) -> bool:
    return a is not None and b is not None and np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=rtol, atol=atol))  # fmt: skip


def concat_order(
    student: np.ndarray, ref: ReferenceRun, mode: str, index: int
) -> tuple[list, list] | None:
    """(student part order, reference part order) when ``student`` is the reference's concatenation
    at trace ``index`` with its parts in another order; names of parts: input, or the op's name."""
    op = ref.ops[index] if 0 <= index < len(ref.ops) else None
    if op is None or op["kind"] != "cat" or index not in ref.values.get(mode, {}):
        return None
    whole = ref.values[mode][index][1]
    if np.shape(student) != np.shape(whole) or whole.ndim < 2:
        return None
    parts, start = [], 0
    labels = _part_labels(ref, op)
    sizes = _part_sizes(ref, op, whole.shape[1])
    if sizes is None:
        return None
    for size in sizes:
        parts.append((start, size))
        start += size
    found = []
    for n, (s0, size) in enumerate(parts):
        piece = whole[:, s0 : s0 + size]
        at = [o for o in range(whole.shape[1] - size + 1) if close(student[:, o : o + size], piece)]
        if not at:
            return None
        found.append((at[0], labels[n]))
    order = [label for _, label in sorted(found)]
    return (order, labels) if order != labels else None


def _part_sizes(ref: ReferenceRun, op: dict, total: int) -> list[int] | None:
    sizes = []
    for j in op["inputs"]:
        shape = ref.ops[j]["out_shape"] if j >= 0 else None
        if j == -1:
            shape = _input_shape(ref)
        if not shape or len(shape) < 2:
            return None
        sizes.append(int(shape[1]))
    return sizes if sum(sizes) == total else None


def _input_shape(ref: ReferenceRun):
    for t in ref.tied:
        if -1 in ref.ops[t]["inputs"] and ref.values:
            pair = next(iter(ref.values.values())).get(t)
            return list(pair[0].shape) if pair and pair[0] is not None else None
    return None


def _part_labels(ref: ReferenceRun, op: dict) -> list[str]:
    """``input`` (the block input or an earlier concatenation), ``new``, or ``path k``."""
    ins = op["inputs"]
    out = []
    for n, j in enumerate(ins):
        if j == -1 or (j >= 0 and ref.ops[j]["kind"] == "cat"):
            out.append("input")
        else:
            out.append("new" if len(ins) == 2 else f"path {n + 1}")
    return out


def affine(student: np.ndarray, expected: np.ndarray) -> tuple[float, float] | None:
    """(scale, shift) when ``student == scale * expected + shift`` and that is not the identity."""
    if np.shape(student) != np.shape(expected) or expected.size < 3 or np.ptp(expected) == 0:
        return None
    e, s = expected.reshape(-1), student.reshape(-1)
    scale, shift = np.polyfit(e, s, 1)
    if not np.allclose(scale * e + shift, s, rtol=1e-3, atol=1e-4 * max(1.0, np.abs(s).max())):
        return None
    if abs(scale - 1) < 1e-3 and abs(shift) < 1e-4:
        return None
    return float(scale), float(shift)
