"""Convolution in 1, 2 and 3 spatial dimensions: gather the windows, contract them with the kernel.

For input ``X`` (N, C_in, *n), weight ``W`` (C_out, C_in / g, *k) and ``g`` groups, output channel
``o`` of group ``γ = o // (C_out / g)`` at position ``l`` is (cross-correlation, as in torch):

    Y[n, o, l] = b[o] + Σ_c Σ_j W[o, c, j] · Xpad[n, γ C_in/g + c, l·s + j·d]

``flip=True`` flips ``W`` along its spatial dims first, which turns this into true convolution
``Σ f(a) g(l - a)``. Depthwise convolution is ``g = C_in``, pointwise is ``k = 1``. Output sizes come
from :func:`reference.analysis.sizes.conv_output_size`.

Independent of torch's convolution: built only from window views (``Tensor.unfold``, via
:func:`reference.windows.sliding_windows`), one im2col copy and batched matmuls
(``torch.bmm``/``baddbmm``); see :func:`correlate`.
"""

from __future__ import annotations

import math

import torch

from cnngrade.reference._conv_checks import check_bias, check_input, check_weight
from cnngrade.reference._trace import traced
from cnngrade.reference._validate import check_positive, ntuple
from cnngrade.reference.analysis.sizes import conv_output_size
from cnngrade.reference.padding import check_fill, pad, resolve_padding
from cnngrade.reference.windows import sliding_windows

__all__ = ["conv1d", "conv2d", "conv3d", "corr2d", "convolve2d"]


def accumulation_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype sums are accumulated in: at least float32 (as matmul does inside for half types)."""
    return torch.promote_types(dtype, torch.float32)


def row_phase_columns(x: torch.Tensor, kernel, strides, dilations, groups: int) -> torch.Tensor:
    """im2col over the trailing spatial dims only; the first spatial dim stays whole, split by stride.

    ``cols[n·g + γ, (c, j'), r, q·L' + l'] = x[n, γ C_in/g + c, q s_1 + r, l'·s' + j'·d']``: tap ``j'`` of
    trailing output position ``l'``, with input row ``q s_1 + r`` filed under phase ``r``. One copy
    of ``k_2 ⋯ k_m / (s_2 ⋯ s_m)`` times the input (zero rows pad ``n_1`` to a multiple of ``s_1``).

    Shape:
        x ``(N, C_in, n_1, *n')`` -> ``(N·g, C_in/g · K', s_1, ⌈n_1 / s_1⌉ · L')`` with
        ``K' = k_2 ⋯ k_m`` and ``L' = o_2 ⋯ o_m``.
    """
    n, c, rows = x.shape[:3]
    s, trailing = strides[0], len(kernel) - 1
    phases = -(-rows // s)
    if phases * s != rows:
        x = torch.cat([x, x.new_zeros(n, c, phases * s - rows, *x.shape[3:])], dim=2)
    win = sliding_windows(x.flatten(1, 2), kernel[1:], strides[1:], dilations[1:])
    positions = math.prod(win.shape[2 : 2 + trailing])
    # (N, C·rows, *out', *k') -> (N, C, q, r, *out', *k') -> (N, C, *k', r, q, *out')
    win = win.unflatten(1, (c, phases, s))
    order = (0, 1, *range(4 + trailing, 4 + 2 * trailing), 3, 2, *range(4, 4 + trailing))
    return win.permute(order).reshape(n * groups, -1, s, phases * positions)


def correlate(x: torch.Tensor, weight: torch.Tensor, bias, strides, dilations, groups: int, out):
    """``Y[n, o, l] = b[o] + Σ_{c, j} W[o, c, j] · x[n, γ(o) C_in/g + c, l·s + j·d]`` for a padded ``x``.

    Split each tap ``j = (i, j')`` into its first-dim part ``i`` and the rest ``j'``. Output row ``h``
    reads input row ``h s + i d = s (h + q_i) + r_i``, ``(q_i, r_i) = divmod(i d, s)``, so in the
    columns of :func:`row_phase_columns` all output rows of tap ``i`` are ONE contiguous slice (phase
    ``r_i``, rows ``q_i .. q_i + H_out - 1``): ``Y = b + Σ_i W[:, :, i] @ cols_i`` is ``k_1`` batched
    matmuls accumulated in place, on an im2col ``k_1`` times smaller than the full one. Sums run in
    at least float32 (:func:`accumulation_dtype`).

    Shape:
        x ``(N, C_in, *n)`` (padded), weight ``(C_out, C_in/g, *k)``, bias ``(C_out,)`` or None,
        ``out`` the output sizes ``(o_1, ..., o_m)`` -> ``(N, C_out, *out)``.
    """
    if x.dim() == 3:  # a 1-D conv is a 2-D conv over (L, 1)
        y = correlate(
            x[..., None], weight[..., None], bias, (*strides, 1), (*dilations, 1), groups, (*out, 1)
        )
        return y.squeeze(-1)
    dtype, work = x.dtype, accumulation_dtype(x.dtype)
    if work != dtype:
        x, weight = x.to(work), weight.to(work)
        bias = None if bias is None else bias.to(work)
    n, (c_out, _, k_1) = x.shape[0], weight.shape[:3]
    og, rows, positions = c_out // groups, out[0], math.prod(out[1:])
    cols = row_phase_columns(x, weight.shape[2:], strides, dilations, groups)

    def tap(i: int) -> torch.Tensor:  # (N·g, C_in/g · K', H_out · L'): cols of first-dim tap i
        q, r = divmod(i * dilations[0], strides[0])
        return cols[:, :, r, q * positions : (q + rows) * positions]

    # W[:, :, i] per group and sample: (k_1, N·g, C_out/g, C_in/g · K') (a view when g = 1)
    w = weight.movedim(2, 0).reshape(k_1, 1, groups, og, -1)
    w = w.expand(-1, n, -1, -1, -1).reshape(k_1, n * groups, og, -1)
    if bias is None:
        y = torch.bmm(w[0], tap(0))
    else:  # the bias of each (sample, group) block, broadcast along the positions
        b = bias.reshape(1, groups, og, 1).expand(n, -1, -1, -1).reshape(n * groups, og, 1)
        y = torch.baddbmm(b, w[0], tap(0))
    for i in range(1, k_1):
        y.baddbmm_(w[i], tap(i))
    return y.view(n, c_out, *out).to(dtype)


def contract_columns(cols: torch.Tensor, weight: torch.Tensor, groups: int) -> torch.Tensor:
    """``Y[n, o, l] = Σ_{c, j} W[o, c, j] · cols[n, γ(o) C_in/g + c, j, l]`` as one batched matmul.

    Shape:
        cols ``(N, C_in, K, L)`` (im2col), weight ``(C_out, C_in/g, *k)`` -> ``(N, C_out, L)``.
    """
    n, _, _, positions = cols.shape
    w = weight.reshape(groups, weight.shape[0] // groups, -1)  # (g, C_out/g, C_in/g · K)
    y = torch.matmul(w, cols.reshape(n, groups, -1, positions))  # (N, g, C_out/g, L)
    return y.reshape(n, -1, positions)


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
    out = tuple(  # conv_output_size also checks that the kernel fits
        conv_output_size(n_i, k, stride=s, padding=p, dilation=d)
        for n_i, k, s, p, d in zip(x.shape[2:], kernel, strides, pairs, dilations, strict=True)
    )
    if any(left or right for left, right in pairs):
        x = pad(x, pairs, mode=padding_mode, value=padding_value)
    w = weight.flip(tuple(range(2, m + 2))) if flip else weight
    y = correlate(x, w, bias, strides, dilations, groups, out)
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
