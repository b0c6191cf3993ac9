"""Receptive field, jump (effective stride) and start of a stack of layers, per spatial dimension.

For layer ``l`` with effective kernel ``k_eff = d (k - 1) + 1``, stride ``s`` and left padding ``p``::

    r_l     = r_{l-1} + (k_eff - 1) j_{l-1}          (receptive field, in input pixels)
    j_l     = j_{l-1} s                              (jump: input pixels between adjacent units)
    start_l = start_{l-1} + ((k_eff - 1) / 2 - p) j_{l-1}   (centre of unit 0's field)

starting from ``r_0 = 1, j_0 = 1, start_0 = 0`` (the centre of input pixel 0; padding can make it
negative). Pooling follows the same recurrence. Works on ints and sympy symbols alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from cnngrade.reference._validate import is_symbolic
from cnngrade.reference.analysis.sizes import effective_kernel_size

Value = Any  # int, sympy expression, or a tuple of them (one per spatial dimension)

KINDS = ("conv", "pool", "max_pool", "avg_pool", "identity")


def _half(value: Value) -> Value:
    """``value / 2``: an int when even, an exact sympy Rational (or expression) otherwise."""
    if is_symbolic(value):
        return value / 2
    return value // 2 if value % 2 == 0 else sympy.Rational(value, 2)


@dataclass(frozen=True)
class LayerSpec:
    """Geometry of one layer: ``kind`` in ``KINDS``; sizes are ints/symbols or per-dimension tuples.

    ``padding`` is the left (top) padding, or a ``(left, right)`` pair per dimension when a tuple of
    pairs. Pooling ``stride`` defaults to ``kernel_size`` as in torch.

    >>> LayerSpec("pool", 2).stride
    2
    """

    kind: str
    kernel_size: Value
    stride: Value = None
    padding: Value = 0
    dilation: Value = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.stride is None:
            pooled = self.kind in ("pool", "max_pool", "avg_pool")
            object.__setattr__(self, "stride", self.kernel_size if pooled else 1)


@dataclass(frozen=True)
class RFInfo:
    """Receptive field ``r``, jump ``j`` and ``start`` after a layer (per-dimension tuples if 2-D)."""

    receptive_field: Value
    jump: Value
    start: Value


def rf_step(
    previous: RFInfo, kernel_size: Value, stride: Value = 1, padding: Value = 0, dilation: Value = 1
) -> RFInfo:
    """Apply one layer to ``previous`` along one dimension (the recurrence in the module docstring).

    ``padding`` is the left padding (an int/symbol) or a ``(left, right)`` pair.

    >>> rf_step(RFInfo(1, 1, 0), 3, padding=1)
    RFInfo(receptive_field=3, jump=1, start=0)
    >>> rf_step(RFInfo(3, 1, 0), 2, stride=2)
    RFInfo(receptive_field=4, jump=2, start=1/2)
    """
    span = effective_kernel_size(kernel_size, dilation) - 1
    left = padding[0] if isinstance(padding, (tuple, list)) else padding
    r, j, start = previous.receptive_field, previous.jump, previous.start
    return RFInfo(r + span * j, j * stride, start + (_half(span) - left) * j)


def rf_transposed_step(
    previous: RFInfo, kernel_size: Value, stride: Value = 1, padding: Value = 0, dilation: Value = 1
) -> RFInfo:
    """Apply a transposed convolution along one dimension (output ``o = i s - p + t d``).

    An output reads the inputs ``i`` with ``i s`` in ``[o + p - (k_eff - 1), o + p]``: at most
    ``⌊(k_eff - 1) / s⌋ + 1`` of them, so ``r' = r + ⌊(k_eff - 1)/s⌋ j`` and ``j' = j / s``. The
    centres repeat with period ``s`` rather than moving evenly, so ``start`` is their linear fit: unit
    ``o`` is centred on input index ``(o + p - (k_eff - 1)/2) / s``.

    >>> rf_transposed_step(RFInfo(1, 1, 0), 4, stride=2, padding=1)
    RFInfo(receptive_field=2, jump=1/2, start=-1/4)
    """
    span = effective_kernel_size(kernel_size, dilation) - 1
    left = padding[0] if isinstance(padding, (tuple, list)) else padding
    r, j, start = previous.receptive_field, previous.jump, previous.start
    reach = (
        span // stride
        if not (is_symbolic(span) or is_symbolic(stride))
        else sympy.floor(span / stride)
    )
    return RFInfo(
        r + reach * j,
        _plain(sympy.Rational(1, 1) * j / stride),
        _plain(start + (left - sympy.Rational(1, 1) * span / 2) / stride * j),
    )


def rf_adaptive_step(previous: RFInfo, size: int, output_size: int) -> RFInfo:
    """Apply adaptive pooling from ``size`` to ``output_size`` along one dimension (torch's windows).

    Window ``i`` covers ``[⌊i n / o⌋, ⌈(i + 1) n / o⌉)``: the widest window gives ``r``, the mean
    step ``n / o`` the jump, window 0 the start. Global pooling is ``output_size = 1``.

    >>> rf_adaptive_step(RFInfo(1, 1, 0), 7, 1)
    RFInfo(receptive_field=7, jump=7, start=3)
    >>> rf_adaptive_step(RFInfo(1, 1, 0), 5, 3).receptive_field
    3
    """
    bounds = [
        (i * size // output_size, -((-(i + 1) * size) // output_size)) for i in range(output_size)
    ]
    widest = max(end - begin for begin, end in bounds)
    r, j, start = previous.receptive_field, previous.jump, previous.start
    return RFInfo(
        r + (widest - 1) * j,
        _plain(sympy.Rational(size, output_size) * j),
        _plain(start + _half(bounds[0][1] - 1) * j),
    )


def rf_resample_step(
    previous: RFInfo, size: int, output_size: int, taps: int = 1, align_corners: bool = False
) -> RFInfo:
    """Apply up/down-sampling from ``size`` to ``output_size`` samples along one dimension.

    Output ``o`` sits at input coordinate ``(o + 1/2) n / o_n - 1/2`` (``o (n - 1) / (o_n - 1)`` with
    ``align_corners``) and reads ``taps`` neighbours (nearest 1, linear 2, cubic 4), so
    ``r' = r + (taps - 1) j``, ``j' = j n / o_n``; for nearest, ``start`` is the linear fit of the
    ``⌊o n / o_n⌋`` it reads. Max-unpooling is nearest with the pooling's stride.

    >>> rf_resample_step(RFInfo(1, 1, 0), 4, 8, taps=2)
    RFInfo(receptive_field=2, jump=1/2, start=-1/4)
    """
    r, j, start = previous.receptive_field, previous.jump, previous.start
    if align_corners and output_size > 1:
        return RFInfo(
            r + (taps - 1) * j, _plain(sympy.Rational(size - 1, output_size - 1) * j), start
        )
    scale = sympy.Rational(size, output_size)
    return RFInfo(r + (taps - 1) * j, _plain(scale * j), _plain(start + (scale - 1) / 2 * j))


def rf_union(infos: Sequence[RFInfo]) -> RFInfo:
    """The field of a unit fed by several paths (concat, add) along one dimension: their union.

    The union spans from the lowest to the highest covered pixel; the jump is the largest. With
    aligned centres (the usual case) this is simply the largest receptive field.

    >>> rf_union([RFInfo(3, 1, 0), RFInfo(7, 1, 0)])
    RFInfo(receptive_field=7, jump=1, start=0)
    """
    if not infos:
        raise ValueError("infos must hold at least one RFInfo, got none")
    if len(infos) == 1:
        return infos[0]
    lows = [i.start - _half(i.receptive_field - 1) for i in infos]
    highs = [i.start + _half(i.receptive_field - 1) for i in infos]
    low, high = sympy.Min(*lows), sympy.Max(*highs)
    jump = sympy.Max(*(i.jump for i in infos))
    return RFInfo(_plain(high - low + 1), _plain(jump), _plain((low + high) / 2))


def _plain(value: Value) -> Value:
    """A sympy Integer back to a Python int (other values unchanged)."""
    return int(value) if isinstance(value, sympy.Integer) else value


def _per_dim(value: Value, ndim: int, name: str) -> tuple[Value, ...]:
    if isinstance(value, (tuple, list)):
        if len(value) != ndim:
            raise ValueError(
                f"{name}={value!r} must have {ndim} entries, one per spatial dimension"
            )
        return tuple(value)
    return (value,) * ndim


def _ndim(layer: LayerSpec) -> int:
    sizes = (layer.kernel_size, layer.stride, layer.dilation)
    tuples = [len(v) for v in sizes if isinstance(v, (tuple, list))]
    pad = layer.padding
    if isinstance(pad, (tuple, list)) and pad and isinstance(pad[0], (tuple, list)):
        tuples.append(len(pad))
    return max(tuples, default=0)


def receptive_field(layers: Sequence[LayerSpec]) -> list[RFInfo]:
    """``RFInfo`` after each layer of a sequential stack, from ``r = 1, j = 1, start = 0``.

    Scalar geometry gives scalar results; if any layer has tuple parameters every result is a
    per-dimension tuple. ``padding`` per dimension may be an int or a ``(left, right)`` pair.

    >>> [i.receptive_field for i in receptive_field([LayerSpec("conv", 3, dilation=d) for d in (1, 2, 4)])]
    [3, 7, 15]
    >>> receptive_field([LayerSpec("conv", 3), LayerSpec("conv", 3)])[-1] == receptive_field([LayerSpec("conv", 5)])[0]
    True
    """
    layers = list(layers)
    for layer in layers:
        if not isinstance(layer, LayerSpec):
            raise ValueError(f"layers must hold LayerSpec objects, got {layer!r}")
    ndim = max((_ndim(layer) for layer in layers), default=0)
    state = [RFInfo(1, 1, 0)] * max(ndim, 1)
    out = []
    for layer in layers:
        padding = layer.padding
        if ndim == 0 and isinstance(padding, (tuple, list)):
            padding = (tuple(padding),)  # one dimension, a (left, right) pair
        params = [
            _per_dim(value, max(ndim, 1), name)
            for name, value in (
                ("kernel_size", layer.kernel_size),
                ("stride", layer.stride),
                ("padding", padding),
                ("dilation", layer.dilation),
            )
        ]
        state = [rf_step(state[d], *(p[d] for p in params)) for d in range(len(state))]
        if ndim == 0:
            out.append(state[0])
        else:
            out.append(RFInfo(*(tuple(getattr(s, f) for s in state) for f in _FIELDS)))
    return out


_FIELDS = ("receptive_field", "jump", "start")
