"""Padding: how many rows/columns to add (``resolve_padding``) and what to put in them (``pad``).

Every mode is one index rule ``source(i)`` mapping a padded position ``i`` (``-left <= i < n + right``)
to an input position; the padded tensor is one gather with those indices (differentiable, any
device and dtype). The course notes teach OpenCV's border names, torch's docs teach torch's; both are
accepted, case-insensitively:

============  ==========================  ===========================
mode          OpenCV name                 ``abcd`` padded by 3 each side
============  ==========================  ===========================
constant      ``BORDER_CONSTANT``         ``000|abcd|000`` (``zeros``)
reflect       ``BORDER_REFLECT_101``      ``dcb|abcd|cba``
symmetric     ``BORDER_REFLECT``          ``cba|abcd|dcb``
replicate     ``BORDER_REPLICATE``        ``aaa|abcd|ddd``
circular      ``BORDER_WRAP``             ``bcd|abcd|abc``
============  ==========================  ===========================

Unlike ``torch.nn.functional.pad``, reflect/symmetric/circular accept padding wider than the input
(the rule repeats, as OpenCV does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from cnngrade.reference._trace import traced
from cnngrade.reference._validate import ntuple
from cnngrade.reference.analysis.sizes import full_padding, same_padding

__all__ = ["pad", "resolve_padding", "normalize_mode"]

Pairs = tuple[tuple[int, int], ...]

_MODES = {
    "zeros": "constant",
    "zero": "constant",
    "constant": "constant",
    "border_constant": "constant",
    "reflect": "reflect",
    "reflect101": "reflect",
    "reflect_101": "reflect",
    "border_reflect_101": "reflect",
    "border_reflect101": "reflect",
    "border_default": "reflect",
    "symmetric": "symmetric",
    "border_reflect": "symmetric",
    "replicate": "replicate",
    "edge": "replicate",
    "border_replicate": "replicate",
    "circular": "circular",
    "wrap": "circular",
    "border_wrap": "circular",
}


def normalize_mode(mode: str) -> str:
    """The canonical name (``constant``/``reflect``/``symmetric``/``replicate``/``circular``) of a mode.

    >>> normalize_mode("BORDER_REFLECT_101"), normalize_mode("zeros"), normalize_mode("Border_Wrap")
    ('reflect', 'constant', 'circular')
    """
    key = str(mode).strip().lower().replace("-", "_").replace("cv2.", "")
    if key not in _MODES:
        raise ValueError(
            f"padding_mode={mode!r} is not known; use one of zeros, constant, reflect, symmetric, "
            f"replicate, circular (or OpenCV's BORDER_CONSTANT, BORDER_REFLECT_101, BORDER_REFLECT, "
            f"BORDER_REPLICATE, BORDER_WRAP)"
        )
    return _MODES[key]


def check_fill(mode: str, value: float) -> None:
    """A non-zero fill ``value`` needs ``mode='constant'`` (``zeros`` means 0; other modes copy pixels)."""
    if value != 0.0 and (
        normalize_mode(mode) != "constant" or str(mode).strip().lower() in ("zeros", "zero")
    ):
        raise ValueError(f"value={value!r} only applies to mode='constant', got mode={mode!r}")


def _source_index(
    size: int, left: int, right: int, mode: str, device: torch.device
) -> torch.Tensor:
    """Input index feeding each of the ``left + size + right`` padded positions."""
    i = torch.arange(-left, size + right, device=device)
    if mode == "replicate":
        return i.clamp(0, size - 1)
    if mode == "circular":
        return i.remainder(size)
    if mode == "symmetric":  # period 2n: a b c d | d c b a
        j = i.remainder(2 * size)
        return torch.where(j >= size, 2 * size - 1 - j, j)
    if size == 1:  # reflect_101 of a single element has nothing to mirror
        return torch.zeros_like(i)
    j = i.remainder(2 * size - 2)  # reflect_101, period 2(n-1): a b c d c b
    return torch.where(j >= size, 2 * size - 2 - j, j)


def _check_pairs(pad: Sequence, ndim: int) -> Pairs:
    """Normalize ``pad`` (one int or (left, right) pair per padded dim) to pairs of ints >= 0."""
    if isinstance(pad, int) or not isinstance(pad, Sequence) or len(pad) == 0:
        raise ValueError(
            f"pad must be a sequence of (left, right) pairs, one per dimension, got {pad!r}"
        )
    if len(pad) > ndim:
        raise ValueError(f"pad={pad!r} pads {len(pad)} dimensions but the input has only {ndim}")
    pairs = tuple(ntuple(p, 2, "pad") if not isinstance(p, int) else (p, p) for p in pad)
    for pair in pairs:
        if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in pair):
            raise ValueError(f"pad must hold non-negative ints, got {pad!r}")
    return tuple((left, right) for left, right in pairs)


@traced("pad")
def pad(
    input: torch.Tensor, pad: Sequence, mode: str = "zeros", value: float = 0.0
) -> torch.Tensor:
    """Pad the last ``len(pad)`` dimensions of ``input``; ``pad`` lists them in order (H's pair before W's).

    Shape:
        ``(*, n_1, ..., n_k)`` -> ``(*, n_1 + l_1 + r_1, ..., n_k + l_k + r_k)``.

    Args:
        input: tensor of any floating dtype on any device.
        pad: one ``(left, right)`` pair (or one int for both sides) per padded dimension.
        mode: ``zeros``/``constant``, ``reflect``, ``symmetric``, ``replicate``, ``circular`` or an
            OpenCV ``BORDER_*`` name.
        value: fill value of ``constant`` mode.

    >>> pad(torch.tensor([[1.0, 2.0, 3.0]]), [(2, 2)], mode="BORDER_REFLECT_101")
    tensor([[3., 2., 1., 2., 3., 2., 1.]])
    >>> pad(torch.tensor([[1.0, 2.0, 3.0]]), [(2, 1)], mode="symmetric")
    tensor([[2., 1., 1., 2., 3., 3.]])
    """
    pairs = _check_pairs(pad, input.dim())
    kind = normalize_mode(mode)
    check_fill(mode, value)
    first = input.dim() - len(pairs)
    if kind == "constant":
        sizes = [
            n + left + right for n, (left, right) in zip(input.shape[first:], pairs, strict=True)
        ]
        out = input.new_full((*input.shape[:first], *sizes), value)
        inner = tuple(
            slice(left, left + n) for n, (left, _) in zip(input.shape[first:], pairs, strict=True)
        )
        centre: tuple[Any, ...] = (Ellipsis, *inner)
        out[centre] = input
        return out
    if any(n == 0 for n in input.shape[first:]):
        raise ValueError(
            f"cannot {kind}-pad a dimension of size 0 (shape {tuple(input.shape)}); use mode='zeros'"
        )
    # one gather: out[..., i_1, ..., i_k] = input[..., source(i_1), ..., source(i_k)]
    k = len(pairs)
    index = [
        _source_index(n, left, right, kind, input.device).reshape(
            [-1 if a == b else 1 for b in range(k)]
        )
        for a, (n, (left, right)) in enumerate(zip(input.shape[first:], pairs, strict=True))
    ]
    key: tuple[Any, ...] = (Ellipsis, *index)
    return input[key]


def resolve_padding(
    padding: int | str | Sequence, kernel_size: Sequence[int], dilation: Sequence[int], ndim: int
) -> Pairs:
    """Turn a conv ``padding`` argument into one ``(left, right)`` pair per spatial dimension.

    Args:
        padding: an int; a tuple with one int or ``(left, right)`` pair per dimension; or
            ``'valid'`` (none), ``'same'`` (total ``d (k - 1)``, extra on the right as torch does) or
            ``'full'`` (``d (k - 1)`` on each side).
        kernel_size, dilation: per-dimension tuples (used by the string modes).
        ndim: number of spatial dimensions.

    >>> resolve_padding("same", (4, 3), (1, 1), 2)
    ((1, 2), (1, 1))
    >>> resolve_padding((1, (0, 2)), (3, 3), (1, 1), 2)
    ((1, 1), (0, 2))
    """
    if isinstance(padding, str):
        rule = padding.strip().lower()
        if rule == "valid":
            return ((0, 0),) * ndim
        if rule == "same":
            return tuple(same_padding(k, d) for k, d in zip(kernel_size, dilation, strict=True))
        if rule == "full":
            return tuple(
                (full_padding(k, d),) * 2 for k, d in zip(kernel_size, dilation, strict=True)
            )
        raise ValueError(
            f"padding={padding!r} is not a padding rule; use 'valid', 'same' or 'full'"
        )
    if isinstance(padding, int) and not isinstance(padding, bool):
        items: Sequence = (padding,) * ndim
    elif isinstance(padding, Sequence) and len(padding) == ndim:
        items = padding
    else:
        raise ValueError(
            f"padding={padding!r} must be an int, 'valid'/'same'/'full', or a tuple of {ndim} "
            f"entries (an int or a (left, right) pair per spatial dimension)"
        )
    try:
        return _check_pairs(items, ndim)
    except ValueError:
        raise ValueError(
            f"padding must be non-negative ints or (left, right) pairs, got {padding!r}"
        ) from None
