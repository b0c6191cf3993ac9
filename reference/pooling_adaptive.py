"""Adaptive average and max pooling: the output size is given, the windows follow from it.

Output cell ``i`` of a dim of length ``n`` pools ``[⌊i n / o⌋, ⌈(i + 1) n / o⌉)`` (torch's rule);
windows may differ in size by one and overlap when ``o`` does not divide ``n``. ``o = n / k`` with an
integer ``k`` gives exactly ``avg/max_pool(kernel_size=k)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import torch

from cnngrade.reference import _pooling as P
from cnngrade.reference._trace import traced

OutputSize = int | None | Sequence[int | None]


def _output_size(output_size: OutputSize, x: torch.Tensor, d: int, op: str) -> tuple[int, ...]:
    """Normalize ``output_size``; ``None`` entries keep the input size (as in torch)."""
    items = (
        (output_size,) * d
        if output_size is None or isinstance(output_size, int)
        else tuple(output_size)
    )
    if len(items) != d:
        raise ValueError(f"{op}: output_size must have {d} values, got {output_size!r}")
    sizes = tuple(int(x.shape[-d + i]) if v is None else v for i, v in enumerate(items))
    for v in sizes:
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(
                f"{op}: output_size must hold positive ints (or None), got {output_size!r}"
            )
    return sizes


@functools.lru_cache(maxsize=64)  # small constant tables, reused by every call of one layer
def _members(
    n: int, o: int, dtype: torch.dtype, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(o, n)`` 0/1 matrix with ``M[i, j] = 1`` iff ``start_i <= j < end_i``, and the window lengths."""
    starts, ends = P.adaptive_bounds(n, o)
    rows = [[float(s <= j < e) for j in range(n)] for s, e in zip(starts, ends, strict=True)]
    lengths = [float(e - s) for s, e in zip(starts, ends, strict=True)]
    return (
        torch.tensor(rows, dtype=dtype, device=device),
        torch.tensor(lengths, dtype=dtype, device=device),
    )


def _reduce_axis(x: torch.Tensor, axis: int, o: int, kind: str) -> torch.Tensor:
    """Adaptive pooling along one axis (a box's mean or max is the mean or max of per-axis ones).

    Window ``i`` is ``[start_i, end_i)``. A mean is a matmul with the 0/1 window membership matrix
    ``M``, divided by the lengths: ``Σ_{j in window i} x_j = (M x)_i``. A max reads row
    ``start_i + t`` of every window at once for each tap ``t``; a shorter window repeats its last row.
    """
    n = x.shape[axis]
    if n % o == 0:  # equal, disjoint windows: a reshape (the common 14 -> 7, 7 -> 1 cases)
        windows = x.unflatten(axis, (o, n // o))
        return windows.sum(axis + 1) / (n // o) if kind == "avg" else windows.amax(axis + 1)
    if kind == "avg":
        members, lengths = _members(n, o, x.dtype, x.device)
        total = torch.matmul(x.movedim(axis, -1), members.T)  # (..., o)
        return (total / lengths).movedim(-1, axis)
    starts, ends = P.adaptive_bounds(n, o)
    start = torch.tensor(starts, device=x.device)
    end = torch.tensor(ends, device=x.device)
    last = end - 1

    def rows(t: int) -> torch.Tensor:
        return x.index_select(axis, torch.where(start + t < end, start + t, last))

    total = rows(0)
    for t in range(1, max(e - s for s, e in zip(starts, ends, strict=True))):
        total = torch.maximum(total, rows(t))
    return total


def _axis_order(in_size, out_size: tuple[int, ...]) -> list[tuple[int, int]]:
    """``(axis, o)`` pairs in the fastest order: equal windows (a reshape) first, leading axis first
    (reducing a middle axis vectorizes); then the others from the last axis back (its matmul is one
    plain matrix product over contiguous rows)."""
    axes = list(enumerate(out_size, start=2))
    even = [(a, o) for a, o in axes if in_size[a] % o == 0]
    return even + [(a, o) for a, o in reversed(axes) if in_size[a] % o]


def _adaptive(input, output_size, d, op, kind, return_indices=False):
    x = P.check_rank(input, d, op)
    out_size = _output_size(output_size, x, d, op)
    if kind == "avg":
        P.check_float(x, op)
    if kind == "avg" or not (return_indices or (torch.is_grad_enabled() and x.requires_grad)):
        out = P.accumulating(x) if kind == "avg" else x
        for axis, o in _axis_order(x.shape, out_size):
            out = _reduce_axis(out, axis, o, kind)
        out = out.to(x.dtype)
        return out if x is input else out.squeeze(0)
    values, positions, ok = P.adaptive_windows(x, out_size)
    masked = torch.where(ok, values, P.lowest(x.dtype))
    idx = P.window_argmax(masked, positions, d)
    out = P.gather_switches(x, idx)  # one gradient path per window, as torch routes it
    if not return_indices:
        return out if x is input else out.squeeze(0)
    return (out, idx) if x is input else (out.squeeze(0), idx.squeeze(0))


@traced("adaptive_avg_pool2d")
def adaptive_avg_pool2d(input: torch.Tensor, output_size: OutputSize) -> torch.Tensor:
    """Average pooling to a given ``(H_out, W_out)``, whatever the input size.

    Shape:
        input ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``; output ``(N, C, H_out, W_out)``.

    Args:
        output_size: int or ``(H_out, W_out)``; ``None`` keeps that input size.

    >>> adaptive_avg_pool2d(torch.arange(9.0).reshape(1, 1, 3, 3), 2)
    tensor([[[[2., 3.],
              [5., 6.]]]])
    """
    return _adaptive(input, output_size, 2, "adaptive_avg_pool2d", "avg")


@traced("adaptive_max_pool2d")
def adaptive_max_pool2d(input: torch.Tensor, output_size: OutputSize, return_indices: bool = False):
    """Max pooling to a given ``(H_out, W_out)``; ``return_indices`` as in :func:`max_pool2d`.

    Shape:
        input ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``; output ``(N, C, H_out, W_out)``.

    >>> adaptive_max_pool2d(torch.arange(9.0).reshape(1, 1, 3, 3), 2)
    tensor([[[[4., 5.],
              [7., 8.]]]])
    """
    return _adaptive(input, output_size, 2, "adaptive_max_pool2d", "max", return_indices)


@traced("adaptive_avg_pool1d")
def adaptive_avg_pool1d(input: torch.Tensor, output_size: OutputSize) -> torch.Tensor:
    """1-D adaptive average pooling; see :func:`adaptive_avg_pool2d`.

    >>> adaptive_avg_pool1d(torch.tensor([[[1.0, 2.0, 3.0]]]), 2)
    tensor([[[1.5000, 2.5000]]])
    """
    return _adaptive(input, output_size, 1, "adaptive_avg_pool1d", "avg")


@traced("adaptive_max_pool1d")
def adaptive_max_pool1d(input: torch.Tensor, output_size: OutputSize, return_indices: bool = False):
    """1-D adaptive max pooling; see :func:`adaptive_max_pool2d`.

    >>> adaptive_max_pool1d(torch.tensor([[[1.0, 3.0, 2.0]]]), 2)
    tensor([[[3., 3.]]])
    """
    return _adaptive(input, output_size, 1, "adaptive_max_pool1d", "max", return_indices)


@traced("adaptive_avg_pool3d")
def adaptive_avg_pool3d(input: torch.Tensor, output_size: OutputSize) -> torch.Tensor:
    """3-D adaptive average pooling; see :func:`adaptive_avg_pool2d`.

    >>> adaptive_avg_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 1).flatten()
    tensor([3.5000])
    """
    return _adaptive(input, output_size, 3, "adaptive_avg_pool3d", "avg")


@traced("adaptive_max_pool3d")
def adaptive_max_pool3d(input: torch.Tensor, output_size: OutputSize, return_indices: bool = False):
    """3-D adaptive max pooling; see :func:`adaptive_max_pool2d`.

    >>> adaptive_max_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 1).flatten()
    tensor([7.])
    """
    return _adaptive(input, output_size, 3, "adaptive_max_pool3d", "max", return_indices)
