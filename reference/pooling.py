"""Max and average pooling (1-D/2-D/3-D), with indices, unpooling, global and adaptive variants.

Pooling is "gather windows, then reduce" on the shared window primitive
:func:`reference.windows.sliding_windows`; output sizes come from
:func:`reference.analysis.sizes.pool_output_size` only. Arguments and results follow
``torch.nn.functional`` (names, order, the flat-index convention ``h * W + w`` of ``return_indices``).
Backward passes live in :mod:`reference.pooling_backward`, adaptive pooling in
:mod:`reference.pooling_adaptive`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from cnngrade.reference import _pooling as P
from cnngrade.reference._trace import traced
from cnngrade.reference.pooling_adaptive import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
)
from cnngrade.reference.pooling_backward import (
    avg_pool1d_backward,
    avg_pool2d_backward,
    avg_pool3d_backward,
    max_pool1d_backward,
    max_pool2d_backward,
    max_pool3d_backward,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from cnngrade.reference.windows import sliding_windows

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "avg_pool1d",
    "avg_pool1d_backward",
    "avg_pool2d",
    "avg_pool2d_backward",
    "avg_pool3d",
    "avg_pool3d_backward",
    "global_avg_pool2d",
    "global_max_pool2d",
    "max_pool1d",
    "max_pool1d_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "max_pool3d",
    "max_pool3d_backward",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]

IntOrTuple = int | Sequence[int]


def _max_pool(input, d, kernel_size, stride, padding, dilation, ceil_mode, return_indices, op):
    x = P.check_rank(input, d, op)
    g = P.geometry(x, d, kernel_size, stride, padding, dilation, ceil_mode)
    win = sliding_windows(P.padded(x, g, P.lowest(x.dtype)), g.kernel, g.stride, g.dilation)
    if not (return_indices or (torch.is_grad_enabled() and x.requires_grad)):
        out = P.window_max(win, d)
        return out if x is input else out.squeeze(0)
    pos = sliding_windows(P.index_map(g, x.device), g.kernel, g.stride, g.dilation)
    idx = P.window_argmax(win, pos, d)
    # read the maxima at the switches, so autograd routes each gradient to one cell as torch does
    # (a max over the window would split it between tied cells, e.g. the zeros a ReLU leaves)
    out = P.gather_switches(x, idx)
    if not return_indices:
        return out if x is input else out.squeeze(0)
    return (out, idx) if x is input else (out.squeeze(0), idx.squeeze(0))


@traced("max_pool1d")
def max_pool1d(
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """1-D max pooling; see :func:`max_pool2d`.

    >>> max_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]]), 2)
    tensor([[[3., 5.]]])
    """
    return _max_pool(
        input, 1, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool1d"
    )


@traced("max_pool2d")
def max_pool2d(
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """2-D max pooling: the largest value of each (dilated) window; padding never wins.

    Shape:
        input ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``; output ``(N, C, H_out, W_out)`` with
        ``H_out = pool_output_size(H_in, k_H, s_H, p_H, d_H, ceil_mode)``.

    Args:
        kernel_size, stride (default ``kernel_size``), padding (at most half the kernel), dilation:
            int or ``(H, W)``.
        ceil_mode: round the output size up (the last window must start inside the input or the
            left padding).
        return_indices: also return the argmax "switches" as flat indices ``h * W_in + w`` per
            channel, as :func:`torch.nn.functional.max_pool2d` does.

    >>> X = torch.arange(9.0).reshape(1, 1, 3, 3)
    >>> max_pool2d(X, 2, stride=1)
    tensor([[[[4., 5.],
              [7., 8.]]]])
    >>> max_pool2d(X, 2, stride=1, return_indices=True)[1]
    tensor([[[[4, 5],
              [7, 8]]]])
    """
    return _max_pool(
        input, 2, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool2d"
    )


@traced("max_pool3d")
def max_pool3d(
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """3-D max pooling over ``(D, H, W)``; see :func:`max_pool2d` (indices ``(d H + h) W + w``).

    >>> max_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 2).flatten()
    tensor([7.])
    """
    return _max_pool(
        input, 3, kernel_size, stride, padding, dilation, ceil_mode, return_indices, "max_pool3d"
    )


def _avg_pool(input, d, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor, op):
    x = P.check_rank(input, d, op)
    P.check_float(x, op)
    g = P.geometry(x, d, kernel_size, stride, padding, 1, ceil_mode)
    wide = P.accumulating(x)
    win = sliding_windows(P.padded(wide, g, 0.0), g.kernel, g.stride, g.dilation)
    out = (P.window_sum(win, d) / P.avg_divisor(g, count_include_pad, divisor, wide)).to(x.dtype)
    return out if x is input else out.squeeze(0)


@traced("avg_pool1d")
def avg_pool1d(
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> torch.Tensor:
    """1-D average pooling; see :func:`avg_pool2d` (torch has no ``divisor_override`` in 1-D).

    >>> avg_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 6.0]]]), 2)
    tensor([[[2., 4.]]])
    """
    return _avg_pool(
        input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None, "avg_pool1d"
    )


@traced("avg_pool2d")
def avg_pool2d(
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> torch.Tensor:
    """2-D average pooling: the mean of each window.

    Shape:
        input ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``; output sized by ``pool_output_size``.

    Args:
        kernel_size, stride (default ``kernel_size``), padding: int or ``(H, W)``.
        ceil_mode: round the output size up; the overhang past the padding is never counted.
        count_include_pad: divide by the window size including zero padding (torch's default) or
            only by the number of input cells in the window.
        divisor_override: divide every window sum by this int instead.

    >>> X = torch.arange(16.0).reshape(1, 1, 4, 4)
    >>> avg_pool2d(X, 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    >>> avg_pool2d(X, 3, stride=2, padding=1, count_include_pad=False)[0, 0, 0, 0]
    tensor(2.5000)
    """
    return _avg_pool(
        input,
        2,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        "avg_pool2d",
    )


@traced("avg_pool3d")
def avg_pool3d(
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> torch.Tensor:
    """3-D average pooling over ``(D, H, W)``; see :func:`avg_pool2d`.

    >>> avg_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 2).flatten()
    tensor([3.5000])
    """
    return _avg_pool(
        input,
        3,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        "avg_pool3d",
    )


@traced("global_avg_pool2d")
def global_avg_pool2d(input: torch.Tensor) -> torch.Tensor:
    """Mean over the whole feature map of each channel (NiN, GoogLeNet, ResNet heads).

    Shape:
        input ``(N, C, H, W)``; output ``(N, C, 1, 1)``.

    >>> global_avg_pool2d(torch.arange(8.0).reshape(1, 2, 2, 2)).flatten()
    tensor([1.5000, 5.5000])
    """
    x = P.check_rank(input, 2, "global_avg_pool2d")
    P.check_float(x, "global_avg_pool2d")
    out = x.mean(dim=(-2, -1), keepdim=True)
    return out if x is input else out.squeeze(0)


@traced("global_max_pool2d")
def global_max_pool2d(input: torch.Tensor) -> torch.Tensor:
    """Maximum over the whole feature map of each channel.

    Shape:
        input ``(N, C, H, W)``; output ``(N, C, 1, 1)``.

    >>> global_max_pool2d(torch.arange(8.0).reshape(1, 2, 2, 2)).flatten()
    tensor([3., 7.])
    """
    P.check_rank(input, 2, "global_max_pool2d")
    return adaptive_max_pool2d(input, 1)  # adaptive to 1 x 1: torch's switch and gradient rules
