"""Convolution modules of :mod:`reference.nn`: torch subclasses whose forward runs the reference ops."""

from __future__ import annotations

import torch

from cnngrade.reference import conv as _conv
from cnngrade.reference import conv_transpose as _convt
from cnngrade.reference.analysis.sizes import conv_transpose_output_size


class _ConvMixin:
    """forward = the reference ``conv{m}d`` with the module's own hyper-parameters."""

    _op = staticmethod(_conv.conv2d)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self._op(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            padding_mode=self.padding_mode,
        )


class Conv1d(_ConvMixin, torch.nn.Conv1d):
    """``torch.nn.Conv1d`` running :func:`reference.conv.conv1d`.

    >>> Conv1d(1, 2, 3)(torch.zeros(1, 1, 5)).shape
    torch.Size([1, 2, 3])
    """

    _op = staticmethod(_conv.conv1d)


class Conv2d(_ConvMixin, torch.nn.Conv2d):
    """``torch.nn.Conv2d`` running :func:`reference.conv.conv2d`.

    Shape:
        ``(N, C_in, H, W) -> (N, C_out, H_out, W_out)``, sizes by ``conv_output_size``.

    >>> Conv2d(1, 6, 5, padding=2)(torch.zeros(1, 1, 28, 28)).shape
    torch.Size([1, 6, 28, 28])
    """

    _op = staticmethod(_conv.conv2d)


class Conv3d(_ConvMixin, torch.nn.Conv3d):
    """``torch.nn.Conv3d`` running :func:`reference.conv.conv3d`.

    >>> Conv3d(1, 1, 2)(torch.zeros(1, 1, 3, 3, 3)).shape
    torch.Size([1, 1, 2, 2, 2])
    """

    _op = staticmethod(_conv.conv3d)


class _ConvTransposeMixin:
    """forward = the reference ``conv_transpose{m}d``; ``output_size`` picks ``output_padding``."""

    _op = staticmethod(_convt.conv_transpose2d)
    _m = 2

    def forward(self, input: torch.Tensor, output_size=None) -> torch.Tensor:
        output_padding = self.output_padding
        if output_size is not None:
            wanted = tuple(output_size)[-self._m :]
            base = [
                conv_transpose_output_size(int(n), k, s, p, 0, d)
                for n, k, s, p, d in zip(
                    input.shape[-self._m :],
                    self.kernel_size,
                    self.stride,
                    self.padding,
                    self.dilation,
                    strict=False,
                )
            ]
            output_padding = tuple(w - b for w, b in zip(wanted, base, strict=True))
            if any(op < 0 for op in output_padding):
                raise ValueError(
                    f"output_size={tuple(output_size)} is smaller than the minimum {tuple(base)}"
                )
        return self._op(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            output_padding,
            self.groups,
            self.dilation,
        )


class ConvTranspose1d(_ConvTransposeMixin, torch.nn.ConvTranspose1d):
    """``torch.nn.ConvTranspose1d`` running :func:`reference.conv_transpose.conv_transpose1d`.

    >>> ConvTranspose1d(1, 1, 2, stride=2)(torch.zeros(1, 1, 3)).shape
    torch.Size([1, 1, 6])
    """

    _op, _m = staticmethod(_convt.conv_transpose1d), 1


class ConvTranspose2d(_ConvTransposeMixin, torch.nn.ConvTranspose2d):
    """``torch.nn.ConvTranspose2d`` running :func:`reference.conv_transpose.conv_transpose2d`.

    >>> ConvTranspose2d(1, 1, 3, stride=2, padding=1)(torch.zeros(1, 1, 2, 2), output_size=(4, 4)).shape
    torch.Size([1, 1, 4, 4])
    """

    _op, _m = staticmethod(_convt.conv_transpose2d), 2


class ConvTranspose3d(_ConvTransposeMixin, torch.nn.ConvTranspose3d):
    """``torch.nn.ConvTranspose3d`` running :func:`reference.conv_transpose.conv_transpose3d`.

    >>> ConvTranspose3d(1, 1, 2, stride=2)(torch.zeros(1, 1, 1, 1, 1)).shape
    torch.Size([1, 1, 2, 2, 2])
    """

    _op, _m = staticmethod(_convt.conv_transpose3d), 3


class DepthwiseSeparableConv2d(torch.nn.Module):
    """Depthwise ``k × k`` convolution (one filter per input channel) then a pointwise ``1 × 1`` one.

    Parameters ``depthwise.weight (C_in·m, 1, k, k)``, ``pointwise.weight (C_out, C_in·m, 1, 1)``
    (and biases), ``m`` = ``depth_multiplier``.

    >>> DepthwiseSeparableConv2d(3, 8, 3, padding=1)(torch.zeros(1, 3, 5, 5)).shape
    torch.Size([1, 8, 5, 5])
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        bias=True,
        depth_multiplier=1,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ):
        super().__init__()
        mid = in_channels * depth_multiplier
        kw = {"device": device, "dtype": dtype}
        self.depthwise = Conv2d(
            in_channels,
            mid,
            kernel_size,
            stride,
            padding,
            dilation,
            groups=in_channels,
            bias=bias,
            padding_mode=padding_mode,
            **kw,
        )
        self.pointwise = Conv2d(mid, out_channels, 1, bias=bias, **kw)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(input))
