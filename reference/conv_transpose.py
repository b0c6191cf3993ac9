"""Transposed convolution: every input pixel stamps the kernel, scaled by its value, onto the output.

For input ``X`` (N, C_in, *n), weight ``W`` (C_in, C_out/g, *k), stride ``s``, padding ``p``, dilation
``d`` and ``g`` groups (``γ`` the group of input channel ``c``):

    Y[n, γ C_out/g + o, l·s + j·d - p] += Σ_{c in group γ} X[n, c, l] · W[c, o, j]

computed as (1) one batched matmul giving every stamp ``S[n, j, o, l] = Σ_c W[c, o, j] X[n, c, l]``,
then (2) ``col2im``: tap ``j``'s stamps add onto the strided output slice ``j·d + l·s`` (``k_1 ⋯ k_m``
strided adds), and the first ``p`` and last ``p - output_padding`` positions are cropped.

The course notes draw the same map another way: insert ``s - 1`` zeros between neighbouring inputs,
pad ``d (k - 1) - p`` on each side, and run a stride-1 convolution with the kernel flipped and its
in/out channel axes swapped. Either way it is the adjoint of :func:`reference.conv.conv2d` with the
same ``stride, padding, dilation, groups``: ``⟨conv(x, W), y⟩ = ⟨x, conv_transpose(y, W)⟩``. Output
sizes come from :func:`reference.analysis.sizes.conv_transpose_output_size`. Built from one batched
matmul and strided in-place adds (no torch convolution, transposed convolution or ``fold``).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import torch

from cnngrade.reference._conv_checks import check_bias, check_input
from cnngrade.reference._trace import traced
from cnngrade.reference._validate import check_non_negative, check_positive, ntuple
from cnngrade.reference.analysis.sizes import conv_transpose_output_size
from cnngrade.reference.conv import accumulation_dtype

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


def _stamps(x: torch.Tensor, weight: torch.Tensor, groups: int) -> torch.Tensor:
    """``S[n, γ, t, o, l] = Σ_c W[γ C_in/g + c, o, t] · X[n, γ C_in/g + c, l]`` as one batched matmul.

    Shape:
        x ``(N, C_in, *n)``, weight ``(C_in, C_out/g, *k)`` -> ``(N, g, K, C_out/g, *n)``, ``K = k_1 ⋯ k_m``.
    """
    n, (c_in, og, *kernel) = x.shape[0], weight.shape
    taps, cg = math.prod(kernel), c_in // groups
    # (g, C_in/g, C_out/g, K) -> (g, K · C_out/g, C_in/g): tap-major rows, so each tap is one block
    w = weight.reshape(groups, cg, og, taps).permute(0, 3, 2, 1).reshape(groups, -1, cg)
    # the samples side by side, (g, C_in/g, N · L): one matrix product per group
    xs = x.reshape(n, groups, cg, -1).permute(1, 2, 0, 3).reshape(groups, cg, -1)
    s = torch.bmm(w, xs)  # (g, K · C_out/g, N · L)
    return s.reshape(groups, taps, og, n, *x.shape[2:]).movedim(3, 0)


def _col2im(stamps: torch.Tensor, kernel, strides, dilations, sizes) -> torch.Tensor:
    """Add tap ``j``'s stamps at output positions ``j·d + l·s`` of a zero buffer of ``sizes``.

    Shape:
        stamps ``(N, g, K, C_out/g, *n)`` -> ``(N, g, C_out/g, *sizes)`` (uncropped: position 0 is
        ``-p`` of the output).
    """
    n, groups, _, og, *spatial = stamps.shape
    out = stamps.new_zeros(n, groups, og, *sizes)
    for t, j in enumerate(itertools.product(*map(range, kernel))):
        at: tuple[Any, ...] = (
            Ellipsis,
            *(
                slice(ji * d, ji * d + (ni - 1) * s + 1, s)
                for ji, d, ni, s in zip(j, dilations, spatial, strides, strict=True)
            ),
        )
        out[at].add_(stamps[:, :, t])
    return out


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
    work = accumulation_dtype(x.dtype)
    stamps = _stamps(x.to(work), weight.to(work), groups)
    # uncropped: every stamp lands (p = 0, output_padding = 0), or more where output_padding reaches
    sizes = [
        max(conv_transpose_output_size(n, k, s, 0, 0, d), p + o)
        for n, k, s, d, p, o in zip(
            x.shape[2:], kernel, strides, dilations, pads, out_sizes, strict=True
        )
    ]
    full = _col2im(stamps, kernel, strides, dilations, sizes)
    crop: tuple[Any, ...] = (
        Ellipsis,
        *(slice(p, p + o) for p, o in zip(pads, out_sizes, strict=True)),
    )
    y = full[crop].reshape(x.shape[0], c_out, *out_sizes)
    y = y.contiguous() if bias is None else y + bias.reshape(-1, *([1] * m))
    y = y.to(x.dtype)
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
