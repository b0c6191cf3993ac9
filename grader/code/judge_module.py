"""Judge one probe of a module exercise by behaviour: the student's block, given a reference block's
weights (each accepted convention's), must give the reference's outputs on every input and mode.

Any value mismatch fails. The explanation (``module_explain``) names the first place the block
departs from the closest convention, or, when no weights could be tied, which layers differ.
"""

from __future__ import annotations

import math

import numpy as np

from cnngrade.exercises.code.core import CodeExercise, ModuleExpected
from cnngrade.exercises.core import Text
from cnngrade.grader.code import module_explain as E
from cnngrade.grader.code.judge import CaseOutcome, _status_text, compare_outputs
from cnngrade.grader.code.module_patterns import close
from cnngrade.grader.code.module_reference import ReferenceRun, references
from cnngrade.grader.code.module_structure import structure
from cnngrade.grader.sandbox.api import CallResult
from cnngrade.grader.sandbox.runtime.probe_tie import LARGE, MAX_SEGMENTS, candidates
from cnngrade.grader.sandbox.runtime.probe_trace import HYPER, KINDS, MAX_OPS

_MODES = ("eval", "train", "after_train", "grad")
_KNOWN = frozenset(KINDS.values())
_ATTRS = frozenset(a for names in HYPER.values() for a in names) | {
    "scalar",
    "reflected",
    "inplace",
    "kernel",
}


def unpack(result: CallResult) -> dict[tuple, np.ndarray] | None:
    """The child's packed array cut into ``{(ref, candidate, input, mode, part): array}``; None
    when its (untrusted) segment list does not describe the array exactly."""
    segments = result.probe.get("segments")
    if not result.outputs or not isinstance(segments, list) or len(segments) > MAX_SEGMENTS:
        return None
    flat = np.asarray(result.outputs[0]).reshape(-1)
    out, offset = {}, 0
    for seg in segments:
        if not (isinstance(seg, list) and len(seg) == 6):
            return None
        r, c, k, mode, part, shape = seg
        if not (all(type(v) is int and 0 <= v < 10_000 for v in (r, c, k)) and mode in _MODES
                and isinstance(part, str) and len(part) < 16 and isinstance(shape, list) and len(shape) <= 8
                and all(type(n) is int and n >= 0 for n in shape)):  # fmt: skip
            return None
        n = math.prod(shape)  # Python ints: a hostile shape cannot overflow
        if offset + n > flat.size:
            return None
        out[(r, c, k, mode, part)] = flat[offset : offset + n].reshape(shape)
        offset += n
    return out if offset == flat.size else None


def clean_trace(raw) -> list[dict] | None:
    """The student's op trace with every field type-checked (None when malformed)."""
    if not isinstance(raw, list) or len(raw) > MAX_OPS:
        return None
    ops = []
    for i, op in enumerate(raw):
        if not isinstance(op, dict) or not isinstance(op.get("kind"), str):
            return None
        params, shapes = op.get("params", {}), op.get("shapes", {})
        inputs, attrs = op.get("inputs", []), op.get("attrs", {})
        if not (isinstance(params, dict) and isinstance(shapes, dict) and isinstance(inputs, list) and isinstance(attrs, dict)):  # fmt: skip
            return None
        if len(params) > 8 or len(inputs) > 64 or len(attrs) > 32:
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in params.items()):
            return None
        if set(shapes) != set(params) or not all(isinstance(v, list) and len(v) <= 8 and all(type(n) is int for n in v) for v in shapes.values()):  # fmt: skip
            return None
        if not all(type(j) is int and -2 <= j < i for j in inputs):
            return None
        out_shape = op.get("out_shape", [])
        out_shape = out_shape if isinstance(out_shape, list) and all(type(n) is int for n in out_shape) else []  # fmt: skip
        kind = op["kind"] if op["kind"] in _KNOWN else "other"
        ops.append({"kind": kind, "params": params, "shapes": shapes, "inputs": inputs,
                    "attrs": {k: v for k, v in list(attrs.items())[:16] if k in _ATTRS and _plain(v)},
                    "out_shape": out_shape})  # fmt: skip
    return ops


def _plain(value) -> bool:
    """A hyper-parameter the feedback may print: a number, a bool, None or a short list of ints."""
    if value is None or type(value) in (bool, int, float):
        return True
    return type(value) is list and len(value) <= 8 and all(type(v) in (int, bool) for v in value)


def _ok(exercise: CodeExercise, got, expected) -> bool:
    return got is not None and compare_outputs(exercise, (got,), (expected,))[0].ok


def _failures(exercise, ref: ReferenceRun, r: int, c: int, got) -> list[tuple[int, str]]:
    """The (input, mode) whose output under reference ``r``'s candidate ``c`` differs from the
    reference's (no gradient sent: the forward is not differentiable, nothing to compare)."""
    return [
        (k, m)
        for (k, m), e in ref.outputs.items()
        if (m != "grad" or (r, c, k, m, "out") in got)
        and not _ok(exercise, got.get((r, c, k, m, "out")), e)
    ]


def _matching(exercise, refs, got, counts) -> tuple[int, int] | None:
    """(reference, candidate) whose outputs all equal that reference's, if any."""
    for r, ref in enumerate(refs):
        for c in range(counts[r] if r < len(counts) else 0):
            if not _failures(exercise, ref, r, c, got):
                return r, c
    return None


def _sent_ops(ref: ReferenceRun) -> list[dict]:
    return [{"kind": op.kind, "slots": list(op.slots), "after": list(op.after), "path": list(op.path),
             "shapes": {s: list(a.shape) for s, a in zip(op.slots, op.arrays, strict=True)}} for op in ref.sent.ops]  # fmt: skip


def _explain(exercise, refs, got, trace, out_src, counts) -> Text:
    tied = [r for r in range(len(refs)) if r < len(counts) and counts[r] > 0]
    if not tied or trace is None:
        return structure(trace or [], refs)
    r = tied[0]
    ref = refs[r]
    maps = candidates(trace, _sent_ops(ref), 1)
    if not maps:
        return structure(trace, refs)
    shared = _shared_layer(trace, maps[0], ref)
    if shared is not None:
        return shared
    inverse = {p: j for j, p in maps[0].items()}
    label = E.names(ref)
    smap = {j: label[ref.tied[p]] for j, p in maps[0].items()}
    fails = _failures(exercise, ref, r, 0, got)
    if fails and all(m == "grad" for _, m in fails):
        return Text("outputs agree, but the gradient with respect to the input differs: does forward detach a "
                    "tensor (.detach(), .data) or run part of the block under torch.no_grad()?",
                    "输出一致，但对输入的梯度不同：forward 中是否 detach 了某个张量（.detach()、.data）"
                    "或在 torch.no_grad() 下计算了部分模块？")  # fmt: skip
    if fails and all(m == "after_train" for _, m in fails):
        return E.running_stats(ref, trace, maps[0])
    first = [m for k, m in fails if k == 0 and m in ("eval", "train")]
    if not first:
        k, m = fails[0] if fails else (0, "eval")
        g, e = got.get((r, 0, k, m, "out")), ref.outputs.get((k, m))
        if k == max(i for i, _ in ref.outputs):
            return E.large(ref, trace, LARGE, m)
        if g is not None and e is not None and np.shape(g) != np.shape(e):
            return Text(f"outputs agree on the first input, but on input {k + 1} the output shape is "
                        f"{tuple(np.shape(g))}, expected {tuple(np.shape(e))}: does the block depend on "
                        "the input size?",
                        f"第一个输入的输出一致，但第 {k + 1} 个输入的输出形状为 {tuple(np.shape(g))}，应为 "
                        f"{tuple(np.shape(e))}：模块是否依赖于输入尺寸？")  # fmt: skip
        return Text(f"outputs agree on the first input but differ on input {k + 1} ({m} mode)",
                    f"第一个输入的输出一致，但第 {k + 1} 个输入（{m} 模式）的输出不同")  # fmt: skip
    mode = first[0]
    text = _departure(ref, r, got, trace, out_src, inverse, mode, smap)
    if mode == "train" and "eval" in ref.values and ("eval" not in first):
        text = Text(
            text.en + " (in training mode; eval mode agrees)",
            text.zh + "（训练模式下；评估模式一致）",
        )
    return text


def _shared_layer(trace: list[dict], mapping: dict[int, int], ref: ReferenceRun) -> Text | None:
    """Two tied ops using one parameter: the block reuses a layer where the reference has two."""
    label, seen = E.names(ref), dict[str, int]()
    for j in sorted(mapping):
        for name in trace[j]["params"].values():
            if name in seen:
                a, b = label[ref.tied[mapping[seen[name]]]], label[ref.tied[mapping[j]]]
                return Text(f"your block uses one layer twice where the reference has two ({a} and {b}): "
                            "create a separate layer for each use",
                            f"你的模块把同一层用了两次，而参考实现是两个独立的层（{a} 与 {b}）：每次使用请创建单独的层")  # fmt: skip
            seen[name] = j
    return None


def _departure(ref, r, got, trace, out_src, inverse, mode, smap) -> Text:
    values = ref.values.get(mode, {})
    for p, t in enumerate(ref.tied):
        j = inverse.get(p)
        e_in, e_out = values.get(t, (None, None))
        s_in, s_out = got.get((r, 0, 0, mode, f"in:{p}")), got.get((r, 0, 0, mode, f"op:{p}"))
        if j is not None and (r, 0, 0, mode, f"skip:{p}") in got:
            return E.skipped(ref, t, mode)
        if j is None or s_in is None:
            continue
        if not close(s_in, e_in):
            return E.before(ref, t, trace, j, s_in, mode, smap)
        if not close(s_out, e_out):
            batch = got.get((r, 0, 0, mode, f"bn:{p}"))
            return E.at(
                ref, t, trace, j, mode, None if batch is None or batch.size != 1 else bool(batch[0])
            )
    student, expected = got.get((r, 0, 0, mode, "out")), ref.outputs[(0, mode)]
    return E.after(ref, trace, out_src, student, expected, mode, smap)


def judge_module(exercise: CodeExercise, group: str, params: dict, result: CallResult,
                 expected: ModuleExpected, limit_s: float) -> CaseOutcome:  # fmt: skip
    """Passed when the block computes what one accepted convention's block computes (all inputs,
    all modes); else ``shape`` or ``wrong`` with the first departure as the message."""
    base = {"group": group, "params": dict(params), "seconds": result.seconds}
    if not result.ok:
        status, text = _status_text(exercise, result, limit_s)
        return CaseOutcome(
            status=status, message=text, detail={"traceback": result.traceback}, **base
        )
    refs = references(exercise, expected.invocation)
    got = unpack(result)
    if got is None:
        text = Text("the block's outputs could not be read back", "无法读回模块的输出")
        return CaseOutcome(status="invalid_output", message=text, **base)
    counts = result.probe.get("candidates")
    counts = (
        [c if type(c) is int else 0 for c in counts[: len(refs)]]
        if isinstance(counts, list)
        else []
    )
    out_src = result.probe.get("output")
    out_src = out_src if type(out_src) is int else -2
    first_mode = expected.invocation.modes[0]
    shown = refs[0].outputs[(0, first_mode)]
    tied = next((r for r, c in enumerate(counts) if c > 0), None)
    mine = (
        got.get((tied, 0, 0, first_mode, "out"))
        if tied is not None
        else got.get((0, 0, 0, "eval", "raw"))
    )
    base = {**base, "actual": () if mine is None else (mine,), "expected": (shown,)}
    match = _matching(exercise, refs, got, counts)
    if match is not None:
        convention = refs[match[0]].convention
        return CaseOutcome(status="passed", message=Text(f"passed ({convention} convention)", f"通过（{convention} 写法）"),
                           detail={"convention": convention}, **base)  # fmt: skip
    trace = clean_trace(result.probe.get("trace"))
    text = _explain(exercise, refs, got, trace, out_src, counts)
    status = "wrong"
    if mine is not None and tuple(mine.shape) != tuple(shown.shape):
        status = "shape"
        text = Text(f"output shape {tuple(mine.shape)}, expected {tuple(shown.shape)}: {text.en}",
                    f"输出形状 {tuple(mine.shape)}，应为 {tuple(shown.shape)}：{text.zh}")  # fmt: skip
    return CaseOutcome(status=status, message=text, detail={"stage": "behaviour"}, **base)
