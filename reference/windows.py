"""The window primitive that convolution and pooling share: every kernel-sized window of the input.

``sliding_windows(x, k, s, d)[n, c, o_1, ..., o_m, j_1, ..., j_m] = x[n, c, o_1 s_1 + j_1 d_1, ...]``:
a view (no copy) built from ``Tensor.unfold``, so it works on any device and dtype and autograd
flows back through it. A convolution contracts the kernel dimensions with a weight, a pooling layer
reduces them with ``max`` or ``mean``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from cnngrade.reference._validate import check_positive, ntuple
from cnngrade.reference.analysis.sizes import conv_output_size, effective_kernel_size

__all__ = ["sliding_windows", "window_geometry"]


def window_geometry(
    spatial: Sequence[int],
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int],
    dilation: int | Sequence[int],
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Normalize ``kernel_size, stride, dilation`` to tuples and compute the output size per dim.

    >>> window_geometry((5, 7), 3, (2, 1), 1)
    ((3, 3), (2, 1), (1, 1), (2, 5))
    """
    m = len(spatial)
    kernel = ntuple(kernel_size, m, "kernel_size")
    strides = ntuple(stride, m, "stride")
    dilations = ntuple(dilation, m, "dilation")
    check_positive(kernel, "kernel_size")
    check_positive(strides, "stride")
    check_positive(dilations, "dilation")
    out = tuple(
        conv_output_size(n, k, stride=s, dilation=d)
        for n, k, s, d in zip(spatial, kernel, strides, dilations, strict=True)
    )
    return kernel, strides, dilations, out


def sliding_windows(
    input: torch.Tensor,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
) -> torch.Tensor:
    """All (strided, dilated) windows of the spatial dims of ``input``, as a view.

    Shape:
        ``(N, C, n_1, ..., n_m)`` -> ``(N, C, o_1, ..., o_m, k_1, ..., k_m)`` with
        ``o_i = conv_output_size(n_i, k_i, s_i, 0, d_i)``; any number ``m >= 1`` of spatial dims.

    Args:
        input: ``(N, C, *spatial)`` tensor (pad it first if padding is wanted).
        kernel_size, stride, dilation: an int or one int per spatial dimension.

    >>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = sliding_windows(x, 2, stride=2)
    >>> tuple(w.shape), w[0, 0, 1, 0].tolist()
    ((1, 1, 2, 2, 2, 2), [[8.0, 9.0], [12.0, 13.0]])
    """
    if input.dim() < 3:
        raise ValueError(
            f"sliding_windows expects input of shape (N, C, *spatial) with at least one spatial dim, "
            f"got shape {tuple(input.shape)}"
        )
    spatial = tuple(input.shape[2:])
    kernel, strides, dilations, _ = window_geometry(spatial, kernel_size, stride, dilation)
    windows = input
    for axis, (k, s, d) in enumerate(zip(kernel, strides, dilations, strict=True), start=2):
        # unfold appends the window dim last; [..., ::d] keeps every d-th tap of the dilated span
        windows = windows.unfold(axis, effective_kernel_size(k, d), s)[..., ::d]
    return windows
