"""Pooling internals: argument checks, window geometry, padded windows and torch's argmax rule.

Pooling is "gather windows, then reduce": fixed windows come from :func:`reference.windows.sliding_windows`
on a padded input, adaptive windows from a gather with a validity mask. An *index map* (the flat
position ``h * W + w`` of every input cell, ``-1`` for padding) goes through the same windows, so the
argmax "switches" and both backward passes are read off it.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from cnngrade.reference._validate import check_non_negative, check_positive, ntuple
from cnngrade.reference.analysis.sizes import pool_output_size


@dataclass(frozen=True)
class PoolGeometry:
    """Normalized pooling arguments for ``d`` spatial dims and the output size they give."""

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    in_size: tuple[int, ...]
    out_size: tuple[int, ...]


def check_rank(input: torch.Tensor, d: int, op: str) -> torch.Tensor:
    """Return ``input`` as ``(N, C, *spatial)``: unbatched ``(C, *spatial)`` gets ``N = 1``."""
    if not isinstance(input, torch.Tensor):
        raise ValueError(f"{op}: input must be a torch.Tensor, got {type(input).__name__}")
    if input.dim() == d + 1:
        return input.unsqueeze(0)
    if input.dim() != d + 2:
        raise ValueError(
            f"{op}: input has shape {tuple(input.shape)} (rank {input.dim()}); expected "
            f"(N, C, {d} spatial dims) or (C, {d} spatial dims), i.e. rank {d + 2} or {d + 1}"
        )
    return input


def check_float(input: torch.Tensor, op: str) -> None:
    """Raise unless ``input`` holds floating-point values."""
    if not input.is_floating_point():
        raise ValueError(
            f"{op}: input dtype is {input.dtype}; convert it with .float() or .double()"
        )


def geometry(
    input: torch.Tensor,
    d: int,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None,
    padding: int | Sequence[int],
    dilation: int | Sequence[int],
    ceil_mode: bool,
) -> PoolGeometry:
    """Normalize the arguments once and size the output with ``pool_output_size``."""
    kernel = ntuple(kernel_size, d, "kernel_size")
    check_positive(kernel, "kernel_size")
    no_stride = stride is None or (isinstance(stride, Sequence) and len(stride) == 0)
    strides = kernel if no_stride else ntuple(stride, d, "stride")  # type: ignore[arg-type]
    check_positive(strides, "stride")
    pads = ntuple(padding, d, "padding")
    check_non_negative(pads, "padding")
    dil = ntuple(dilation, d, "dilation")
    check_positive(dil, "dilation")
    in_size = tuple(int(n) for n in input.shape[-d:])
    out = tuple(
        pool_output_size(n, k, s, p, dl, bool(ceil_mode))
        for n, k, s, p, dl in zip(in_size, kernel, strides, pads, dil, strict=True)
    )
    for axis, (n, k, s, p, dl, o) in enumerate(
        zip(in_size, kernel, strides, pads, dil, out, strict=True)
    ):
        if dl > 1:
            _check_windows_see_input(axis, n, k, s, p, dl, o)
    return PoolGeometry(kernel, strides, pads, dil, in_size, out)


def _check_windows_see_input(axis: int, n: int, k: int, s: int, p: int, dl: int, o: int) -> None:
    """With dilation a window's taps can all fall in the padding; torch then returns -inf with a
    switch outside the window (and routes its gradient to an unrelated cell), so we refuse."""
    for i in range(o):
        if not any(0 <= i * s - p + j * dl < n for j in range(k)):
            raise ValueError(
                f"max pooling window {i} along spatial dim {axis} (size {n}, kernel_size={k}, "
                f"dilation={dl}, padding={p}, stride={s}) covers only padding; use less padding or "
                f"dilation"
            )


def padded(x: torch.Tensor, g: PoolGeometry, fill: float) -> torch.Tensor:
    """Pad (or crop) the last dims so that exactly the cells the windows read remain.

    Left: ``p``. Right: whatever the last window needs, ``(out - 1) s + d (k - 1) + 1 - n - p``, which
    is more than ``p`` in ceil mode and may be negative (a crop) when the stride skips the tail.
    """
    pairs: list[int] = []
    for n, k, s, p, dl, o in zip(
        g.in_size, g.kernel, g.stride, g.padding, g.dilation, g.out_size, strict=True
    ):
        needed = (o - 1) * s + dl * (k - 1) + 1
        pairs = [p, needed - n - p, *pairs]
    return F.pad(x, pairs, value=fill)


def unpadded(buffer: torch.Tensor, g: PoolGeometry) -> torch.Tensor:
    """Inverse of :func:`padded`: the input-shaped part of a padded buffer (zeros where it was cropped)."""
    pairs: list[int] = []
    for n, p, size in zip(g.in_size, g.padding, buffer.shape[2:], strict=True):
        pairs = [-p, n + p - size, *pairs]
    return F.pad(buffer, pairs)


def index_map(g: PoolGeometry, device: torch.device) -> torch.Tensor:
    """``(1, 1, *in_size)`` int64 map of flat input positions, padded with ``-1`` like the input."""
    total = 1
    for n in g.in_size:
        total *= n
    flat = torch.arange(total, device=device).reshape(1, 1, *g.in_size)
    return padded(flat, g, -1)


def accumulating(x: torch.Tensor) -> torch.Tensor:
    """``x`` in the precision torch accumulates sums in: float32 for float16/bfloat16, else as is."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def lowest(dtype: torch.dtype) -> float:
    """The fill that never wins a max: ``-inf`` for floats, the minimum for integers."""
    return float("-inf") if dtype.is_floating_point else torch.iinfo(dtype).min


SCAN_LIMIT = 32  # windows up to this many taps are taken tap by tap (fast); larger ones vectorized


def taps(window: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every tap of a window in row-major order (torch's scan order)."""
    return list(itertools.product(*(range(k) for k in window)))


def window_sum(windows: torch.Tensor, d: int) -> torch.Tensor:
    """Sum over the last ``d`` (window) dims: ``(N, C, *out, *window) -> (N, C, *out)``.

    Small windows are added tap by tap (each tap is a plain strided view), which is much faster on
    a CPU than reducing over the strided window dims.
    """
    window = tuple(windows.shape[windows.dim() - d :])
    if math.prod(window) > SCAN_LIMIT:
        return windows.sum(dim=tuple(range(-d, 0)))
    each = iter(taps(window))
    total = windows[(...,) + next(each)].clone()
    for tap in each:
        total += windows[(...,) + tap]
    return total


def window_max(windows: torch.Tensor, d: int) -> torch.Tensor:
    """Maximum over the last ``d`` (window) dims, NaN propagating (as torch's max pooling).

    Small windows take an elementwise ``maximum`` tap by tap (several times faster than ``amax``
    over strided window dims on a CPU).
    """
    window = tuple(windows.shape[windows.dim() - d :])
    if math.prod(window) > SCAN_LIMIT:
        return windows.amax(dim=tuple(range(-d, 0)))
    each = iter(taps(window))
    best = windows[(...,) + next(each)].clone()
    for tap in each:
        best = torch.maximum(best, windows[(...,) + tap])
    return best


def window_argmax(values: torch.Tensor, positions: torch.Tensor, d: int) -> torch.Tensor:
    """Flat input index of each window's maximum (the argmax "switch"), with torch's rules.

    Shape:
        values ``(N, C, *out, *window)``; positions ``(1, 1, *out, *window)`` (``-1`` = padding);
        returns ``(N, C, *out)`` int64.

    torch scans a window row-major from its first real cell and moves the switch on
    ``value > best or isnan(value)``: so the first maximum wins, the *last* NaN wins, and a window
    whose real cells are all ``-inf`` keeps its first real cell. Small windows scan their taps
    (:func:`_first_max_tap`), larger ones take one ``argmax``.
    """
    values = values.detach()  # the switches are indices: nothing to differentiate
    window = tuple(values.shape[values.dim() - d :])
    pos = positions.reshape(*positions.shape[: positions.dim() - d], -1)  # (1, 1, *out, K)
    k = pos.shape[-1]
    if k <= SCAN_LIMIT:
        best_tap = _first_max_tap(values, window)
    else:
        flat = values.reshape(*values.shape[: values.dim() - d], k)
        best_tap = flat.argmax(-1)  # the first maximum (NaN counts as largest)
        if values.is_floating_point() and bool(torch.isnan(flat).any()):
            nan = torch.isnan(flat)
            last_nan = k - 1 - nan.flip(-1).to(torch.uint8).argmax(-1)
            best_tap = torch.where(nan.any(-1), last_nan, best_tap)
    # the position of tap best_tap in window w is entry w·K + best_tap of the flat position table
    cell = torch.arange(pos[..., 0].numel(), device=values.device).reshape(pos.shape[:-1]) * k
    chosen = torch.take(pos, cell + best_tap)
    # a padding tap wins only when every real cell is -inf: torch keeps the first real cell
    first_real = torch.take_along_dim(pos, (pos >= 0).to(torch.uint8).argmax(-1, keepdim=True), -1)
    return torch.where(chosen < 0, first_real.squeeze(-1), chosen)


def _first_max_tap(values: torch.Tensor, window: tuple[int, ...]) -> torch.Tensor:
    """Tap number (uint8) of each window's first maximum, or of its last NaN; small windows only.

    The taps are stacked tap-major first (one copy), so the maximum and the comparison run over
    contiguous rows instead of strided window views. A window whose maximum is NaN has no hit
    (NaN != NaN); the NaN pass sets its tap.
    """
    d, k = len(window), math.prod(window)
    lead = values.shape[: values.dim() - d]
    window_first = (*range(len(lead), values.dim()), *range(len(lead)))
    stacked = values.permute(window_first).reshape(k, *lead)  # (K, N, C, *out), one copy
    maxima = stacked.amax(0)  # NaN propagates
    # first tap t with a hit = K - max_t (K - t)·hit_t (a max is a fast reduction; argmax is not)
    countdown = torch.arange(k, 0, -1, dtype=torch.uint8, device=values.device)
    hits = (stacked == maxima).to(torch.uint8) * countdown.reshape(k, *[1] * len(lead))
    best_tap = k - hits.amax(0)
    if values.is_floating_point() and bool(torch.isnan(maxima).any()):
        for t, row in enumerate(stacked):  # forwards, so the last NaN stays
            best_tap.masked_fill_(torch.isnan(row), t)
    return best_tap


def gather_switches(x: torch.Tensor, switches: torch.Tensor) -> torch.Tensor:
    """``x`` read at flat per-channel indices: ``(N, C, *in) , (N, C, *out) -> (N, C, *out)``."""
    flat = x.reshape(*x.shape[:2], -1)
    return flat.gather(-1, switches.reshape(*switches.shape[:2], -1)).reshape(switches.shape)


def scatter_to_input(
    values: torch.Tensor, positions: torch.Tensor, lead: tuple[int, ...], in_size: tuple[int, ...]
) -> torch.Tensor:
    """Sum ``values`` into a zero ``(*lead, *in_size)`` tensor at flat ``positions`` (``-1`` dropped)."""
    total = 1
    for n in in_size:
        total *= n
    pos = positions.expand(values.shape).reshape(*lead, -1)
    pos = torch.where(pos < 0, total, pos)
    out = values.new_zeros((*lead, total + 1))
    out.scatter_add_(-1, pos, values.reshape(*lead, -1))
    return out[..., :total].reshape(*lead, *in_size)


def avg_divisor(g: PoolGeometry, count_include_pad: bool, divisor_override, like):
    """Per-window divisor ``(*out)``, torch's rule, or the ``divisor_override`` scalar.

    Along each dim a window ``[o s - p, o s - p + k)`` is first clipped to the padded input
    ``[-p, n + p)`` (so ceil mode's overhang never counts); ``count_include_pad=False`` then clips it
    to the input ``[0, n)``. The divisor is the product over dims.
    """
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, int):
            raise ValueError(f"divisor_override must be a positive int, got {divisor_override!r}")
        if divisor_override < 1:
            raise ValueError(f"divisor_override must be >= 1 (or None), got {divisor_override}")
        return divisor_override
    divisor = torch.ones((), dtype=like.dtype, device=like.device)
    for n, k, s, p, o in zip(g.in_size, g.kernel, g.stride, g.padding, g.out_size, strict=True):
        start = torch.arange(o, device=like.device) * s - p
        end = torch.clamp(start + k, max=n + p)
        if not count_include_pad:
            start, end = torch.clamp(start, min=0), torch.clamp(end, max=n)
        divisor = divisor.unsqueeze(-1) * (end - start).to(like.dtype)
    return divisor


def adaptive_bounds(n: int, o: int) -> tuple[list[int], list[int]]:
    """torch's adaptive windows: ``start = ⌊i n / o⌋``, ``end = ⌈(i + 1) n / o⌉``."""
    starts = [(i * n) // o for i in range(o)]
    ends = [-((-(i + 1) * n) // o) for i in range(o)]
    return starts, ends


def adaptive_windows(
    x: torch.Tensor, out_size: tuple[int, ...]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Gather adaptive windows: ``(N, C, *out, *L)`` values, ``(1, 1, *out, *L)`` flat positions and
    an ``(*out, *L)`` validity mask.

    ``L`` is the longest window per dim; shorter windows are padded by repeating their last cell,
    marked invalid in the mask (positions ``-1``).
    """
    d = len(out_size)
    in_size = tuple(int(n) for n in x.shape[-d:])
    per_dim_idx, per_dim_ok = [], []
    for n, o in zip(in_size, out_size, strict=True):
        starts, ends = adaptive_bounds(n, o)
        width = max(e - s for s, e in zip(starts, ends, strict=True))
        offs = torch.arange(width, device=x.device)
        start = torch.tensor(starts, device=x.device).unsqueeze(1)
        end = torch.tensor(ends, device=x.device).unsqueeze(1)
        idx = start + offs
        per_dim_ok.append(idx < end)
        per_dim_idx.append(torch.minimum(idx, end - 1))
    grids = _box_grid(per_dim_idx)
    ok = functools.reduce(torch.logical_and, _box_grid(per_dim_ok))
    flat = torch.zeros((), dtype=torch.int64, device=x.device)
    for axis, n in enumerate(in_size):
        flat = flat * n + grids[axis]
    values = x[(...,) + tuple(grids)]
    positions = torch.where(ok, flat, -1)
    return values, positions.reshape(1, 1, *positions.shape), ok


def _box_grid(per_dim: list[torch.Tensor]) -> list[torch.Tensor]:
    """Per-dim ``(o_i, L_i)`` tables reshaped to broadcast together to ``(*out, *L)``."""
    d = len(per_dim)
    shaped = []
    for axis, table in enumerate(per_dim):
        shape = [1] * (2 * d)
        shape[axis], shape[d + axis] = table.shape
        shaped.append(table.reshape(shape))
    return shaped
