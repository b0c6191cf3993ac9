"""Cheaper factorizations of a convolution: depthwise-separable, spatially separable, channel shuffle.

* depthwise-separable: a per-channel (``groups = C_in``) ``k x k`` conv, then a ``1 x 1`` conv mixing channels;
* spatially separable: a rank-1 kernel ``K = column ⊗ row`` applied as a vertical then a horizontal
  1-D pass (Sobel = ``[1, 2, 1]^T x [-1, 0, 1]``: 6 weights instead of 9);
* channel shuffle (ShuffleNet): ``(N, g·c, ...)`` -> view ``(N, g, c, ...)`` -> swap -> flatten, so the
  next grouped conv sees channels from every group.
"""

from __future__ import annotations

import math

import torch

from cnngrade.reference._conv_checks import check_input
from cnngrade.reference._trace import traced
from cnngrade.reference._validate import check_positive, ntuple
from cnngrade.reference.analysis.sizes import conv_output_size
from cnngrade.reference.conv import conv2d
from cnngrade.reference.padding import pad, resolve_padding

__all__ = [
    "depthwise_conv2d",
    "pointwise_conv2d",
    "depthwise_separable_conv2d",
    "factor_separable",
    "spatially_separable_conv2d",
    "channel_shuffle",
]


@traced("depthwise_conv2d")
def depthwise_conv2d(
    input, weight, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"
):
    """Per-channel convolution: each input channel gets its own ``weight.shape[0] / C_in`` kernels.

    Shape:
        input ``(N, C_in, H, W)``; weight ``(C_in·m, 1, kH, kW)`` (m = channel multiplier) ->
        ``(N, C_in·m, H_out, W_out)``.

    >>> depthwise_conv2d(torch.ones(1, 2, 3, 3), torch.stack([torch.ones(1, 2, 2), 2 * torch.ones(1, 2, 2)])).flatten().tolist()
    [4.0, 4.0, 4.0, 4.0, 8.0, 8.0, 8.0, 8.0]
    """
    x, _ = check_input("depthwise_conv2d", input, 2)
    if not isinstance(weight, torch.Tensor) or weight.dim() != 4 or weight.shape[1] != 1:
        shape = tuple(weight.shape) if isinstance(weight, torch.Tensor) else type(weight).__name__
        raise ValueError(
            f"depthwise weight must have shape (C_in * multiplier, 1, kH, kW), got {shape}"
        )
    return conv2d(
        input, weight, bias, stride, padding, dilation, groups=x.shape[1], padding_mode=padding_mode
    )


@traced("pointwise_conv2d")
def pointwise_conv2d(input, weight, bias=None):
    """``1 x 1`` convolution: a linear map of the channels at every pixel, ``Y[:, o] = Σ_c W[o, c] X[:, c]``.

    Shape:
        input ``(N, C_in, H, W)``; weight ``(C_out, C_in, 1, 1)`` or ``(C_out, C_in)`` -> ``(N, C_out, H, W)``.

    >>> pointwise_conv2d(torch.ones(1, 3, 2, 2), torch.ones(1, 3)).flatten().tolist()
    [3.0, 3.0, 3.0, 3.0]
    """
    if isinstance(weight, torch.Tensor) and weight.dim() == 2:
        weight = weight[:, :, None, None]
    if not isinstance(weight, torch.Tensor) or weight.shape[2:] != (1, 1):
        shape = tuple(weight.shape) if isinstance(weight, torch.Tensor) else type(weight).__name__
        raise ValueError(
            f"pointwise weight must have shape (C_out, C_in, 1, 1) or (C_out, C_in), got {shape}"
        )
    return conv2d(input, weight, bias)


@traced("depthwise_separable_conv2d")
def depthwise_separable_conv2d(
    input,
    depthwise_weight,
    pointwise_weight,
    depthwise_bias=None,
    pointwise_bias=None,
    stride=1,
    padding=0,
    dilation=1,
    padding_mode="zeros",
):
    """Depthwise ``k x k`` conv (stride, padding, dilation apply here), then a pointwise ``1 x 1`` conv.

    Shape:
        input ``(N, C_in, H, W)``; depthwise_weight ``(C_in·m, 1, kH, kW)``; pointwise_weight
        ``(C_out, C_in·m, 1, 1)`` -> ``(N, C_out, H_out, W_out)``.

    >>> x = torch.ones(1, 3, 5, 5)
    >>> tuple(depthwise_separable_conv2d(x, torch.ones(3, 1, 3, 3), torch.ones(128, 3, 1, 1)).shape)
    (1, 128, 3, 3)
    """
    y = depthwise_conv2d(
        input, depthwise_weight, depthwise_bias, stride, padding, dilation, padding_mode
    )
    return pointwise_conv2d(y, pointwise_weight, pointwise_bias)


def _integer_factors(kernel: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Integer ``(column, row)`` with ``column ⊗ row == kernel`` for an integer rank-1 kernel, else None."""
    if not torch.equal(kernel, kernel.round()):
        return None
    ints = kernel.round().long()
    nonzero_rows = [i for i in range(ints.shape[0]) if ints[i].any()]
    if not nonzero_rows:
        return None
    first = ints[nonzero_rows[0]]
    row = first // math.gcd(
        *[abs(int(v)) for v in first]
    )  # first row / its gcd, so column[first] > 0
    j = int(torch.nonzero(row)[0])
    column = ints[:, j] // row[j]
    if not torch.equal(torch.outer(column, row), ints):
        return None
    return column.to(kernel.dtype), row.to(kernel.dtype)


def factor_separable(kernel, *, rtol: float = 1e-6) -> tuple[torch.Tensor, torch.Tensor]:
    """Factor a rank-1 kernel into ``(column, row)`` with ``column[:, None] * row[None, :] == kernel``.

    Integer kernels get integer factors (the first non-zero row, divided by its gcd); others the
    singular-value factors ``√σ₁ u₁``, ``√σ₁ v₁``.

    Shape:
        kernel ``(kH, kW)`` -> column ``(kH,)``, row ``(kW,)``.

    >>> column, row = factor_separable(torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]))
    >>> column.tolist(), row.tolist()
    ([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0])
    """
    k = kernel if isinstance(kernel, torch.Tensor) else torch.tensor(kernel, dtype=torch.float64)
    if k.dim() != 2 or k.is_complex() or k.numel() == 0:
        raise ValueError(
            f"kernel must be a non-empty 2-D real (kH, kW) array, got shape {tuple(k.shape)}"
        )
    k = k if k.is_floating_point() else k.double()
    s = torch.linalg.svdvals(k.double())
    rank = int((s > rtol * s[0]).sum()) if s[0] > 0 else 0
    if rank != 1:
        raise ValueError(
            f"kernel is not separable (rank {rank}); only a rank-1 kernel (column x row) can be "
            f"applied as two 1-D passes — use conv2d with the full kernel"
        )
    found = _integer_factors(k)
    if found is not None:
        return found
    u, sv, vh = torch.linalg.svd(k.double())
    column, row = u[:, 0] * sv[0].sqrt(), vh[0] * sv[0].sqrt()
    if column[column.abs().argmax()] < 0:
        column, row = -column, -row
    return column.to(k.dtype), row.to(k.dtype)


def _channel_factors(kernel, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Column ``(C, 1, kH, 1)`` and row ``(C, 1, 1, kW)`` filters from one ``(kH, kW)`` kernel or ``(C, 1, kH, kW)``."""
    c = x.shape[1]
    k = kernel if isinstance(kernel, torch.Tensor) else torch.tensor(kernel, dtype=x.dtype)
    if k.dim() == 2:
        factors = [factor_separable(k)] * c
    elif k.dim() == 4 and tuple(k.shape[:2]) == (c, 1):
        factors = []
        for i in range(c):
            try:
                factors.append(factor_separable(k[i, 0]))
            except ValueError as error:
                raise ValueError(f"kernel[{i}, 0]: {error}") from None
    else:
        raise ValueError(
            f"kernel must be (kH, kW) or (C, 1, kH, kW) with C={c} input channels, got {tuple(k.shape)}"
        )
    columns = torch.stack([column for column, _ in factors]).to(x.device, x.dtype)
    rows = torch.stack([row for _, row in factors]).to(x.device, x.dtype)
    return columns.reshape(c, 1, -1, 1), rows.reshape(c, 1, 1, -1)


@traced("spatially_separable_conv2d")
def spatially_separable_conv2d(
    input, kernel, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"
):
    """Filter each channel with a rank-1 kernel as two 1-D passes: ``column`` down, then ``row`` across.

    Equals the depthwise ``conv2d`` with the full kernel, at ``kH + kW`` instead of ``kH·kW``
    multiplications per output.

    Shape:
        input ``(N, C, H, W)``; kernel ``(kH, kW)`` (one for every channel) or ``(C, 1, kH, kW)`` (one
        per channel), each of rank 1 -> ``(N, C, H_out, W_out)``.

    >>> sobel = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    >>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
    >>> spatially_separable_conv2d(x, sobel)
    tensor([[[[8., 8.],
              [8., 8.]]]])
    """
    x, batched = check_input("spatially_separable_conv2d", input, 2)
    columns, rows = _channel_factors(kernel, x)
    size = (columns.shape[2], rows.shape[3])
    strides, dilations = ntuple(stride, 2, "stride"), ntuple(dilation, 2, "dilation")
    check_positive(strides, "stride")
    check_positive(dilations, "dilation")
    if isinstance(padding, str) and padding.strip().lower() == "same" and max(strides) > 1:
        raise ValueError(
            f"padding='same' needs stride=1, got stride={stride}; pad explicitly for strided convs"
        )
    pairs = resolve_padding(padding, size, dilations, 2)
    for n, k, s, p, d in zip(x.shape[2:], size, strides, pairs, dilations, strict=True):
        conv_output_size(n, k, stride=s, padding=p, dilation=d)  # validates "kernel fits"
    if any(a or b for a, b in pairs):  # pad once, so every mode behaves as for the full kernel
        x = pad(x, pairs, mode=padding_mode)
    c = x.shape[1]
    x = conv2d(x, columns, stride=(strides[0], 1), dilation=(dilations[0], 1), groups=c)
    y = conv2d(x, rows, bias, stride=(1, strides[1]), dilation=(1, dilations[1]), groups=c)
    return y if batched else y.squeeze(0)


@traced("channel_shuffle")
def channel_shuffle(input: torch.Tensor, groups: int) -> torch.Tensor:
    """ShuffleNet's channel shuffle: channel ``γ·c + i`` moves to ``i·g + γ``.

    Shape:
        ``(N, g·c, *)`` -> same shape.

    >>> channel_shuffle(torch.arange(6.0).reshape(1, 6, 1, 1), 2).flatten().tolist()
    [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    """
    if not isinstance(input, torch.Tensor) or input.dim() < 2:
        raise ValueError("channel_shuffle expects input of shape (N, C, *), at least 2-D")
    if (
        isinstance(groups, bool)
        or not isinstance(groups, int)
        or groups < 1
        or input.shape[1] % groups
    ):
        raise ValueError(
            f"groups={groups!r} must be an int >= 1 dividing the {input.shape[1]} channels"
        )
    n, channels, *rest = input.shape
    return input.reshape(n, groups, channels // groups, *rest).transpose(1, 2).reshape(input.shape)
