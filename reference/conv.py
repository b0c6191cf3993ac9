"""Convolution in 1, 2 and 3 spatial dimensions: gather the windows, contract them with the kernel.

For input ``X`` (N, C_in, *n), weight ``W`` (C_out, C_in / g, *k) and ``g`` groups, output channel
``o`` of group ``γ = o // (C_out / g)`` at position ``l`` is (cross-correlation, as in torch):

    Y[n, o, l] = b[o] + Σ_c Σ_j W[o, c, j] · Xpad[n, γ C_in/g + c, l·s + j·d]

``flip=True`` flips ``W`` along its spatial dims first, which turns this into true convolution
``Σ f(a) g(l - a)``. Depthwise convolution is ``g = C_in``, pointwise is ``k = 1``. Output sizes come
from :func:`reference.analysis.sizes.conv_output_size`.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import torch

from reference._conv_checks import check_bias, check_input, check_weight
from reference._trace import traced
from reference._validate import check_positive, ntuple
from reference.analysis.sizes import conv_output_size
from reference.padding import check_fill, pad, resolve_padding
from reference.windows import sliding_windows

__all__ = ["conv1d", "conv2d", "conv3d", "corr2d", "convolve2d"]


def contract(windows: torch.Tensor, weight: torch.Tensor, groups: int) -> torch.Tensor:
    """``Y[n, o, l] = Σ_{c, j} W[o, c, j] · windows[n, γ(o) C_in/g + c, l, j]`` as one batched matmul.

    im2col: the windows of each group become a ``(C_in/g · K) x L`` matrix per sample (one copy), and
    each group's ``(C_out/g) x (C_in/g · K)`` weight matrix multiplies it.

    Shape:
        windows ``(N, C_in, *out, *k)``, weight ``(C_out, C_in/g, *k)`` -> ``(N, C_out, *out)``.
    """
    m = weight.dim() - 2
    n, c_in = windows.shape[:2]
    if c_in == groups:
        return _contract_depthwise(windows, weight)
    out_sizes = tuple(windows.shape[2 : 2 + m])
    positions = math.prod(out_sizes)
    og = weight.shape[0] // groups
    # (N, g, C_in/g, *out, *k) -> (g, N, C_in/g, *k, *out) -> (g, N, C_in/g · K, L)
    order = (1, 0, 2, *range(3 + m, 3 + 2 * m), *range(3, 3 + m))
    cols = (
        windows.unflatten(1, (groups, c_in // groups))
        .permute(order)
        .reshape(groups, n, -1, positions)
    )
    y = torch.matmul(weight.reshape(groups, 1, og, -1), cols)  # (g, N, C_out/g, L)
    return y.movedim(0, 1).reshape(n, groups * og, *out_sizes)


def _contract_depthwise(windows: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Depthwise case of :func:`contract` (one input channel per group), one kernel tap at a time.

    ``Y[n, c·M + μ, l] = Σ_j W[c·M + μ, 0, j] · windows[n, c, l, j]`` with channel multiplier ``M``;
    a sum of ``K`` scaled views, so no im2col copy (each output reads only ``K`` numbers).
    """
    m = weight.dim() - 2
    n, c = windows.shape[:2]
    w = weight.reshape(c, -1, math.prod(weight.shape[2:]))  # (C, M, K)
    # accumulate in at least float32 (as matmul does) so half-precision sums do not drift
    total = torch.promote_types(windows.dtype, torch.float32)
    y = windows.new_zeros(
        n, c, w.shape[1], *windows.shape[2 : 2 + m], dtype=total
    )  # (N, C, M, *out)
    for t, j in enumerate(itertools.product(*map(range, weight.shape[2:]))):
        at_tap: tuple[Any, ...] = (Ellipsis, *j)
        y.addcmul_(windows[at_tap].unsqueeze(2), w[:, :, t].reshape(c, -1, *[1] * m))
    return y.flatten(1, 2).to(windows.dtype)


def conv_nd(
    name: str,
    m: int,
    input,
    weight,
    bias,
    stride,
    padding,
    dilation,
    groups,
    padding_mode,
    padding_value,
    flip,
):
    """Shared body of ``conv1d/2d/3d``; see :func:`conv2d` for the arguments."""
    x, batched = check_input(name, input, m)
    check_weight(name, weight, x, groups, m)
    check_bias(bias, weight.shape[0], x)
    kernel = tuple(weight.shape[2:])
    strides, dilations = ntuple(stride, m, "stride"), ntuple(dilation, m, "dilation")
    check_positive(strides, "stride")
    check_positive(dilations, "dilation")
    if (
        isinstance(padding, str)
        and padding.strip().lower() == "same"
        and any(s > 1 for s in strides)
    ):
        raise ValueError(
            f"padding='same' needs stride=1, got stride={stride}; pad explicitly for strided convs"
        )
    pairs = resolve_padding(padding, kernel, dilations, m)
    check_fill(padding_mode, padding_value)
    for n_i, k, s, p, d in zip(x.shape[2:], kernel, strides, pairs, dilations, strict=True):
        conv_output_size(n_i, k, stride=s, padding=p, dilation=d)  # validates "kernel fits"
    if any(left or right for left, right in pairs):
        x = pad(x, pairs, mode=padding_mode, value=padding_value)
    w = weight.flip(tuple(range(2, m + 2))) if flip else weight
    y = contract(sliding_windows(x, kernel, strides, dilations), w, groups)
    if bias is not None:
        y = y + bias.reshape(-1, *([1] * m))
    return y if batched else y.squeeze(0)


@traced("conv1d")
def conv1d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    padding_mode="zeros",
    padding_value=0.0,
    flip=False,
):
    """1-D convolution (cross-correlation unless ``flip``); arguments as in :func:`conv2d`.

    Shape:
        ``(N, C_in, L_in)`` -> ``(N, C_out, L_out)``, ``L_out = conv_output_size(L_in, k, s, p, d)``.

    >>> conv1d(torch.tensor([[[1.0, 2.0, 3.0, 4.0]]]), torch.tensor([[[1.0, -1.0]]]))
    tensor([[[-1., -1., -1.]]])
    """
    return conv_nd(
        "conv1d",
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        dilation,
        groups,
        padding_mode,
        padding_value,
        flip,
    )


@traced("conv2d")
def conv2d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    padding_mode="zeros",
    padding_value=0.0,
    flip=False,
):
    """2-D convolution of ``input`` with ``weight`` (cross-correlation, as torch, unless ``flip``).

    Shape:
        input ``(N, C_in, H_in, W_in)`` or ``(C_in, H_in, W_in)``; weight ``(C_out, C_in/groups, kH, kW)``;
        output ``(N, C_out, H_out, W_out)`` with ``H_out = conv_output_size(H_in, kH, s, p, d)``.

    Args:
        bias: ``(C_out,)`` or None.
        stride, dilation: int or ``(sH, sW)``.
        padding: int, per-dim tuple of ints or ``(left, right)`` pairs, ``'valid'``, ``'same'``, ``'full'``.
        groups: split channels into ``groups`` independent convolutions (``C_in`` = depthwise).
        padding_mode: zeros/constant, reflect, symmetric, replicate, circular or OpenCV ``BORDER_*``.
        padding_value: fill value of constant padding.
        flip: flip the kernel (true convolution instead of cross-correlation).

    >>> X = torch.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d(X, torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]]))
    tensor([[[[19., 25.],
              [37., 43.]]]])
    """
    return conv_nd(
        "conv2d",
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        dilation,
        groups,
        padding_mode,
        padding_value,
        flip,
    )


@traced("conv3d")
def conv3d(
    input,
    weight,
    bias=None,
    stride=1,
    padding=0,
    dilation=1,
    groups=1,
    padding_mode="zeros",
    padding_value=0.0,
    flip=False,
):
    """3-D convolution; arguments as in :func:`conv2d` with one more spatial dim.

    Shape:
        ``(N, C_in, D_in, H_in, W_in)`` -> ``(N, C_out, D_out, H_out, W_out)``.

    >>> tuple(conv3d(torch.ones(1, 2, 4, 4, 4), torch.ones(3, 2, 2, 2, 2), padding="same").shape)
    (1, 3, 4, 4, 4)
    """
    return conv_nd(
        "conv3d",
        3,
        input,
        weight,
        bias,
        stride,
        padding,
        dilation,
        groups,
        padding_mode,
        padding_value,
        flip,
    )


@traced("corr2d")
def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """d2l's 2-D cross-correlation of one channel: ``Y[i, j] = Σ_{a, b} X[i + a, j + b] K[a, b]``.

    Shape:
        ``X (h, w)``, ``K (kh, kw)`` -> ``(h - kh + 1, w - kw + 1)``.

    >>> corr2d(torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    tensor([[19., 25.],
            [37., 43.]])
    """
    if (
        not isinstance(X, torch.Tensor)
        or not isinstance(K, torch.Tensor)
        or X.dim() != 2
        or K.dim() != 2
    ):
        raise ValueError("corr2d expects X of shape (h, w) and K of shape (kh, kw) (2-D tensors)")
    return conv2d(X[None, None], K[None, None].to(X.dtype))[0, 0]


@traced("convolve2d")
def convolve2d(
    input: torch.Tensor,
    kernel: torch.Tensor,
    mode: str = "full",
    padding_mode: str = "zeros",
    value: float = 0.0,
) -> torch.Tensor:
    """True 2-D convolution (kernel flipped) of one channel, with ``mode`` ``'full'``/``'same'``/``'valid'``.

    ``'same'`` pads as torch does (an odd total puts the extra row/column after), so for even kernels
    it is one position off ``scipy.signal.convolve2d(mode='same')``, which centres on the full result.

    Shape:
        ``(h, w) * (kh, kw)`` -> full ``(h + kh - 1, w + kw - 1)``, same ``(h, w)``, valid ``(h - kh + 1, w - kw + 1)``.

    Args:
        padding_mode, value: how 'same'/'full' fill the border (as in :func:`reference.padding.pad`).

    >>> tuple(convolve2d(torch.ones(10, 10), torch.ones(5, 5), mode="full").shape)
    (14, 14)
    """
    if not isinstance(kernel, torch.Tensor) or kernel.dim() != 2:
        raise ValueError("convolve2d expects kernel of shape (kh, kw) (a 2-D tensor)")
    if not isinstance(input, torch.Tensor) or input.dim() != 2:
        raise ValueError("convolve2d expects input of shape (h, w) (a 2-D tensor)")
    return conv2d(
        input[None, None],
        kernel[None, None].to(input.dtype),
        padding=mode,
        padding_mode=padding_mode,
        padding_value=value,
        flip=True,
    )[0, 0]
