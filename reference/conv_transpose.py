"""Transposed convolution, written exactly as the course notes explain it.

1. insert ``s - 1`` zeros between neighbouring inputs (the "fractional stride");
2. pad ``d (k - 1) - p`` on each side (plus ``output_padding`` at the end);
3. run a stride-1 convolution with the kernel flipped and its in/out channel axes swapped.

That is the adjoint of :func:`reference.conv.conv2d` with the same ``stride, padding, dilation,
groups``: ``⟨conv(x, W), y⟩ = ⟨x, conv_transpose(y, W)⟩``. Output sizes come from
:func:`reference.analysis.sizes.conv_transpose_output_size`.
"""

from __future__ import annotations

import torch

from reference._conv_checks import check_bias, check_input
from reference._trace import traced
from reference._validate import check_non_negative, check_positive, ntuple
from reference.analysis.sizes import conv_transpose_output_size
from reference.conv import contract
from reference.windows import sliding_windows

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


def _check_weight(name: str, weight: torch.Tensor, x: torch.Tensor, groups: int, m: int) -> None:
    """``weight`` is ``(C_in, C_out/groups, *k)`` as in torch's ``conv_transpose``."""
    if not isinstance(weight, torch.Tensor) or weight.dim() != m + 2:
        shape = tuple(weight.shape) if isinstance(weight, torch.Tensor) else type(weight).__name__
        raise ValueError(
            f"{name} expects weight of shape (C_in, C_out/groups, *kernel) with {m + 2} dims, got {shape}"
        )
    if weight.dtype != x.dtype or weight.device != x.device:
        raise ValueError(
            f"weight is {weight.dtype} on {weight.device} but input is {x.dtype} on {x.device}"
        )
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be an int >= 1, got {groups!r}")
    if x.shape[1] % groups:
        raise ValueError(f"groups={groups} must divide C_in={x.shape[1]}")
    if weight.shape[0] != x.shape[1]:
        raise ValueError(
            f"weight.shape[0]={weight.shape[0]} must equal the input channels C_in={x.shape[1]} "
            f"(conv_transpose weights are (C_in, C_out/groups, *kernel))"
        )
    if any(k < 1 for k in weight.shape):
        raise ValueError(f"weight sizes must be >= 1, got shape {tuple(weight.shape)}")


def _forward_kernel(weight: torch.Tensor, groups: int) -> torch.Tensor:
    """``(C_in, C_out/g, *k)`` -> the flipped ``(C_out, C_in/g, *k)`` kernel of the equivalent conv."""
    c_in, og, *k = weight.shape
    w = (
        weight.reshape(groups, c_in // groups, og, *k)
        .transpose(1, 2)
        .reshape(groups * og, c_in // groups, *k)
    )
    return w.flip(tuple(range(2, w.dim())))


def _insert_zeros_and_pad(x: torch.Tensor, strides, sides) -> torch.Tensor:
    """Steps 1 and 2 in one tensor: ``s - 1`` zeros between neighbours, ``(lo, hi)`` zeros around.

    A negative ``lo``/``hi`` crops instead (the forward conv's padding exceeded ``d (k - 1)``).
    Shape: ``(N, C, n_1, ...)`` -> ``(N, C, lo_1 + (n_1 - 1) s_1 + 1 + hi_1, ...)``.
    """
    spread = [(n - 1) * s + 1 for n, s in zip(x.shape[2:], strides, strict=True)]
    grown = [max(lo, 0) + n + max(hi, 0) for n, (lo, hi) in zip(spread, sides, strict=True)]
    z = x.new_zeros(*x.shape[:2], *grown)
    inputs = [
        slice(max(lo, 0), max(lo, 0) + n, s)
        for n, s, (lo, _) in zip(spread, strides, sides, strict=True)
    ]
    at_inputs: tuple[slice, ...] = (slice(None), slice(None), *inputs)
    z[at_inputs] = x
    crop = [slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(grown, sides, strict=True)]
    kept: tuple[slice, ...] = (slice(None), slice(None), *crop)
    return z[kept]


def conv_transpose_nd(
    name, m, input, weight, bias, stride, padding, output_padding, groups, dilation
):
    """Shared body of ``conv_transpose1d/2d/3d``; see :func:`conv_transpose2d` for the arguments."""
    x, batched = check_input(name, input, m)
    _check_weight(name, weight, x, groups, m)
    c_out = weight.shape[1] * groups
    check_bias(bias, c_out, x)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        raise ValueError(
            f"padding={padding!r}: {name} takes the forward conv's padding as an int or one int per "
            f"dimension (torch has no string padding for transposed convs)"
        )
    strides, dilations = ntuple(stride, m, "stride"), ntuple(dilation, m, "dilation")
    pads, extra = ntuple(padding, m, "padding"), ntuple(output_padding, m, "output_padding")
    check_positive(strides, "stride")
    check_positive(dilations, "dilation")
    check_non_negative(pads, "padding")
    check_non_negative(extra, "output_padding")
    out_sizes = tuple(
        conv_transpose_output_size(n, k, s, p, op, d)
        for n, k, s, p, op, d in zip(
            x.shape[2:], kernel, strides, pads, extra, dilations, strict=True
        )
    )
    # full padding d (k - 1), less the forward conv's padding p (negative = crop), plus output_padding
    sides = [
        (d * (k - 1) - p, d * (k - 1) - p + op)
        for k, p, op, d in zip(kernel, pads, extra, dilations, strict=True)
    ]
    z = _insert_zeros_and_pad(x, strides, sides)
    y = contract(sliding_windows(z, kernel, 1, dilations), _forward_kernel(weight, groups), groups)
    if tuple(y.shape[2:]) != out_sizes:
        raise RuntimeError(
            f"internal: {name} produced {tuple(y.shape[2:])}, formula says {out_sizes}"
        )
    if bias is not None:
        y = y + bias.reshape(-1, *([1] * m))
    return y if batched else y.squeeze(0)


@traced("conv_transpose1d")
def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """1-D transposed convolution; arguments as in :func:`conv_transpose2d`.

    Shape:
        ``(N, C_in, L_in)`` -> ``(N, C_out, L_out)``, ``L_out = (L_in - 1) s - 2p + d (k - 1) + op + 1``.

    >>> conv_transpose1d(torch.tensor([[[1.0, 2.0]]]), torch.tensor([[[1.0, 1.0, 1.0]]]), stride=2)
    tensor([[[1., 1., 3., 2., 2.]]])
    """
    return conv_transpose_nd(
        "conv_transpose1d",
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@traced("conv_transpose2d")
def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2-D transposed convolution ("deconvolution"): the adjoint of :func:`reference.conv.conv2d`.

    Shape:
        input ``(N, C_in, H_in, W_in)``; weight ``(C_in, C_out/groups, kH, kW)``; output
        ``(N, C_out, H_out, W_out)`` with ``H_out = conv_transpose_output_size(H_in, kH, s, p, op, d)``.

    Args:
        stride, padding, dilation, groups: those of the forward convolution this one transposes.
        output_padding: extra rows/cols at the end (< stride or < dilation) to pick among the input
            sizes a strided forward convolution maps to the same output size.

    >>> X = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    >>> conv_transpose2d(X, torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]]))
    tensor([[[[ 0.,  0.,  1.],
              [ 0.,  4.,  6.],
              [ 4., 12.,  9.]]]])
    """
    return conv_transpose_nd(
        "conv_transpose2d",
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@traced("conv_transpose3d")
def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """3-D transposed convolution; arguments as in :func:`conv_transpose2d`.

    Shape:
        ``(N, C_in, D_in, H_in, W_in)`` -> ``(N, C_out, D_out, H_out, W_out)``.

    >>> tuple(conv_transpose3d(torch.ones(1, 2, 2, 2, 2), torch.ones(2, 3, 2, 2, 2), stride=2).shape)
    (1, 3, 4, 4, 4)
    """
    return conv_transpose_nd(
        "conv_transpose3d",
        3,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )
