"""Backward passes of max and average pooling, and max-unpooling (the "switches" put to use).

Max pooling sends each output gradient to the input cell that won its window (the argmax switch,
with torch's tie rules); overlapping windows that share a winner add up. Average pooling spreads
each output gradient evenly, ``grad / divisor``, over the input cells of its window (padding drops).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from cnngrade.reference import _pooling as P
from cnngrade.reference._trace import traced
from cnngrade.reference._validate import ntuple
from cnngrade.reference.analysis.sizes import conv_transpose_output_size
from cnngrade.reference.windows import sliding_windows

IntOrTuple = int | Sequence[int]


def _check_grad(
    grad_output: torch.Tensor, g: P.PoolGeometry, x: torch.Tensor, op: str
) -> torch.Tensor:
    expected = (*x.shape[:2], *g.out_size)
    grad = grad_output if grad_output.dim() == len(expected) else grad_output.unsqueeze(0)
    if tuple(grad.shape) != expected:
        raise ValueError(
            f"{op}: grad_output has shape {tuple(grad_output.shape)}, but the pooling output has "
            f"shape {expected}; pass the gradient of this pooling's output"
        )
    return grad


def _max_backward(grad_output, input, d, kernel_size, stride, padding, dilation, ceil_mode, op):
    x = P.check_rank(input, d, op)
    g = P.geometry(x, d, kernel_size, stride, padding, dilation, ceil_mode)
    grad = _check_grad(grad_output, g, x, op)
    win = sliding_windows(P.padded(x, g, P.lowest(x.dtype)), g.kernel, g.stride, g.dilation)
    pos = sliding_windows(P.index_map(g, x.device), g.kernel, g.stride, g.dilation)
    switches = P.window_argmax(win, pos, d)
    out = P.scatter_to_input(grad.to(x.dtype), switches, tuple(x.shape[:2]), g.in_size)
    return out if x is input else out.squeeze(0)


@traced("max_pool2d_backward")
def max_pool2d_backward(
    grad_output: torch.Tensor,
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
) -> torch.Tensor:
    """Gradient of :func:`reference.pooling.max_pool2d` w.r.t. its input.

    Shape:
        grad_output ``(N, C, H_out, W_out)``; input and result ``(N, C, H_in, W_in)``.

    ``dL/dx[h, w] = Σ`` of ``dL/dy`` over the windows whose maximum (switch) is ``x[h, w]``.

    >>> X = torch.tensor([[[[1.0, 2.0], [4.0, 3.0]]]])
    >>> max_pool2d_backward(torch.ones(1, 1, 1, 1), X, 2)
    tensor([[[[0., 0.],
              [1., 0.]]]])
    """
    return _max_backward(
        grad_output,
        input,
        2,
        kernel_size,
        stride,
        padding,
        dilation,
        ceil_mode,
        "max_pool2d_backward",
    )


@traced("max_pool1d_backward")
def max_pool1d_backward(
    grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False
) -> torch.Tensor:
    """Gradient of 1-D max pooling w.r.t. its input; see :func:`max_pool2d_backward`.

    >>> max_pool1d_backward(torch.ones(1, 1, 1), torch.tensor([[[1.0, 2.0]]]), 2)
    tensor([[[0., 1.]]])
    """
    return _max_backward(
        grad_output,
        input,
        1,
        kernel_size,
        stride,
        padding,
        dilation,
        ceil_mode,
        "max_pool1d_backward",
    )


@traced("max_pool3d_backward")
def max_pool3d_backward(
    grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False
) -> torch.Tensor:
    """Gradient of 3-D max pooling w.r.t. its input; see :func:`max_pool2d_backward`.

    >>> max_pool3d_backward(torch.ones(1, 1, 1, 1, 1), torch.arange(8.0).view(1, 1, 2, 2, 2), 2).flatten()
    tensor([0., 0., 0., 0., 0., 0., 0., 1.])
    """
    return _max_backward(
        grad_output,
        input,
        3,
        kernel_size,
        stride,
        padding,
        dilation,
        ceil_mode,
        "max_pool3d_backward",
    )


def _avg_backward(
    grad_output, input, d, kernel_size, stride, padding, ceil_mode, include, divisor, op
):
    x = P.check_rank(input, d, op)
    P.check_float(x, op)
    g = P.geometry(x, d, kernel_size, stride, padding, 1, ceil_mode)
    grad = _check_grad(grad_output, g, x, op).to(x.dtype)
    share = grad / P.avg_divisor(g, include, divisor, x)
    # every tap of every window adds its share to the cell under it: accumulate into a buffer laid
    # out like the padded input, through the same window view, then drop the padding
    buffer = P.padded(torch.zeros_like(x), g, 0.0)
    taps = sliding_windows(buffer, g.kernel, g.stride, g.dilation)
    for tap in P.taps(g.kernel):
        taps[(...,) + tap] += share
    out = P.unpadded(buffer, g)
    return out if x is input else out.squeeze(0)


@traced("avg_pool2d_backward")
def avg_pool2d_backward(
    grad_output: torch.Tensor,
    input: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> torch.Tensor:
    """Gradient of :func:`reference.pooling.avg_pool2d` w.r.t. its input.

    Shape:
        grad_output ``(N, C, H_out, W_out)``; input and result ``(N, C, H_in, W_in)``.

    ``dL/dx[h, w] = Σ dL/dy[i, j] / divisor[i, j]`` over the windows ``(i, j)`` containing ``(h, w)``.

    >>> avg_pool2d_backward(torch.ones(1, 1, 1, 1), torch.zeros(1, 1, 2, 2), 2)
    tensor([[[[0.2500, 0.2500],
              [0.2500, 0.2500]]]])
    """
    return _avg_backward(
        grad_output,
        input,
        2,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        "avg_pool2d_backward",
    )


@traced("avg_pool1d_backward")
def avg_pool1d_backward(
    grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True
) -> torch.Tensor:
    """Gradient of 1-D average pooling w.r.t. its input; see :func:`avg_pool2d_backward`.

    >>> avg_pool1d_backward(torch.ones(1, 1, 1), torch.zeros(1, 1, 2), 2)
    tensor([[[0.5000, 0.5000]]])
    """
    return _avg_backward(
        grad_output,
        input,
        1,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        None,
        "avg_pool1d_backward",
    )


@traced("avg_pool3d_backward")
def avg_pool3d_backward(
    grad_output,
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
) -> torch.Tensor:
    """Gradient of 3-D average pooling w.r.t. its input; see :func:`avg_pool2d_backward`.

    >>> avg_pool3d_backward(torch.ones(1, 1, 1, 1, 1), torch.zeros(1, 1, 2, 2, 2), 2).flatten()[0]
    tensor(0.1250)
    """
    return _avg_backward(
        grad_output,
        input,
        3,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        "avg_pool3d_backward",
    )


def _unpool(input, indices, d, kernel_size, stride, padding, output_size, op):
    x = P.check_rank(input, d, op)
    idx = indices if indices.dim() == x.dim() else indices.unsqueeze(0)
    if tuple(idx.shape) != tuple(x.shape) or idx.dtype != torch.int64:
        raise ValueError(
            f"{op}: indices must be an int64 tensor shaped like input {tuple(input.shape)}, got "
            f"{idx.dtype} {tuple(indices.shape)}; pass the indices from max_pool{d}d(return_indices=True)"
        )
    kernel = ntuple(kernel_size, d, "kernel_size")
    strides = kernel if stride is None else ntuple(stride, d, "stride")
    pads = ntuple(padding, d, "padding")
    # (n - 1) s - 2p + k; the padding is taken off separately because output_size may rescue a
    # default that is < 1
    default = tuple(
        conv_transpose_output_size(int(n), k, s) - 2 * p
        for n, k, s, p in zip(x.shape[2:], kernel, strides, pads, strict=True)
    )
    if output_size is None and min(default) < 1:
        raise ValueError(
            f"{op}: padding={pads} leaves an output of size {default}; pass output_size"
        )
    size = default if output_size is None else tuple(int(v) for v in tuple(output_size)[-d:])
    for name_size, want, s in zip(size, default, strides, strict=True):
        if not want - s < name_size < want + s:
            raise ValueError(
                f"{op}: output_size={tuple(output_size)} is not reachable; each size must lie strictly "
                f"between {tuple(w - s for w, s in zip(default, strides, strict=True))} and "
                f"{tuple(w + s for w, s in zip(default, strides, strict=True))}"
            )
    total = 1
    for n in size:
        total *= n
    flat_idx = idx.reshape(*x.shape[:2], -1)
    if flat_idx.numel() and (int(flat_idx.min()) < 0 or int(flat_idx.max()) >= total):
        raise ValueError(
            f"{op}: indices range over [{int(flat_idx.min())}, {int(flat_idx.max())}], outside the "
            f"output of {total} cells per channel; check output_size"
        )
    out = x.new_zeros((*x.shape[:2], total))
    out.scatter_(-1, flat_idx, x.reshape(*x.shape[:2], -1))
    out = out.reshape(*x.shape[:2], *size)
    return out if x is input else out.squeeze(0)


@traced("max_unpool2d")
def max_unpool2d(
    input: torch.Tensor,
    indices: torch.Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    output_size: Sequence[int] | None = None,
) -> torch.Tensor:
    """Max-unpooling: put each value back at its switch, zeros elsewhere (upsampling in SegNet).

    Shape:
        input and indices ``(N, C, H_in, W_in)``; output ``(N, C, H_out, W_out)`` with
        ``H_out = (H_in - 1) s - 2 p + k`` unless ``output_size`` picks one within ``± s`` of it.

    >>> y, i = torch.tensor([[[[4.0]]]]), torch.tensor([[[[3]]]])
    >>> max_unpool2d(y, i, 2)
    tensor([[[[0., 0.],
              [0., 4.]]]])
    """
    return _unpool(input, indices, 2, kernel_size, stride, padding, output_size, "max_unpool2d")


@traced("max_unpool1d")
def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """1-D max-unpooling; see :func:`max_unpool2d`.

    >>> max_unpool1d(torch.tensor([[[4.0]]]), torch.tensor([[[1]]]), 2)
    tensor([[[0., 4.]]])
    """
    return _unpool(input, indices, 1, kernel_size, stride, padding, output_size, "max_unpool1d")


@traced("max_unpool3d")
def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """3-D max-unpooling; see :func:`max_unpool2d`.

    >>> max_unpool3d(torch.ones(1, 1, 1, 1, 1), torch.tensor([[[[[7]]]]]), 2).flatten()
    tensor([0., 0., 0., 0., 0., 0., 0., 1.])
    """
    return _unpool(input, indices, 3, kernel_size, stride, padding, output_size, "max_unpool3d")
