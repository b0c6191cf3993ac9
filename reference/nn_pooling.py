"""Pooling modules of :mod:`reference.nn`: torch subclasses whose forward runs the reference ops."""

from __future__ import annotations

import torch

from cnngrade.reference import pooling as _pool


class _MaxPoolMixin:
    _op = staticmethod(_pool.max_pool2d)

    def forward(self, input: torch.Tensor):
        return self._op(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )


class MaxPool1d(_MaxPoolMixin, torch.nn.MaxPool1d):
    """``torch.nn.MaxPool1d`` running :func:`reference.pooling.max_pool1d`.

    >>> MaxPool1d(2)(torch.zeros(1, 1, 4)).shape
    torch.Size([1, 1, 2])
    """

    _op = staticmethod(_pool.max_pool1d)


class MaxPool2d(_MaxPoolMixin, torch.nn.MaxPool2d):
    """``torch.nn.MaxPool2d`` running :func:`reference.pooling.max_pool2d`.

    >>> MaxPool2d(3, stride=2)(torch.zeros(1, 96, 55, 55)).shape
    torch.Size([1, 96, 27, 27])
    """

    _op = staticmethod(_pool.max_pool2d)


class MaxPool3d(_MaxPoolMixin, torch.nn.MaxPool3d):
    """``torch.nn.MaxPool3d`` running :func:`reference.pooling.max_pool3d`.

    >>> MaxPool3d(2)(torch.zeros(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 1, 1, 1])
    """

    _op = staticmethod(_pool.max_pool3d)


class AvgPool1d(torch.nn.AvgPool1d):
    """``torch.nn.AvgPool1d`` running :func:`reference.pooling.avg_pool1d`.

    >>> AvgPool1d(2)(torch.ones(1, 1, 4))
    tensor([[[1., 1.]]])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _pool.avg_pool1d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
        )


class _AvgPoolMixin:
    _op = staticmethod(_pool.avg_pool2d)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self._op(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )


class AvgPool2d(_AvgPoolMixin, torch.nn.AvgPool2d):
    """``torch.nn.AvgPool2d`` running :func:`reference.pooling.avg_pool2d`.

    >>> AvgPool2d(2, stride=2)(torch.zeros(1, 6, 28, 28)).shape
    torch.Size([1, 6, 14, 14])
    """

    _op = staticmethod(_pool.avg_pool2d)


class AvgPool3d(_AvgPoolMixin, torch.nn.AvgPool3d):
    """``torch.nn.AvgPool3d`` running :func:`reference.pooling.avg_pool3d`.

    >>> AvgPool3d(2)(torch.ones(1, 1, 2, 2, 2)).flatten()
    tensor([1.])
    """

    _op = staticmethod(_pool.avg_pool3d)


class MaxUnpool2d(torch.nn.MaxUnpool2d):
    """``torch.nn.MaxUnpool2d`` running :func:`reference.pooling.max_unpool2d`.

    >>> MaxUnpool2d(2)(torch.ones(1, 1, 1, 1), torch.tensor([[[[0]]]])).flatten()
    tensor([1., 0., 0., 0.])
    """

    def forward(self, input: torch.Tensor, indices: torch.Tensor, output_size=None) -> torch.Tensor:
        return _pool.max_unpool2d(
            input, indices, self.kernel_size, self.stride, self.padding, output_size
        )


class AdaptiveAvgPool2d(torch.nn.AdaptiveAvgPool2d):
    """``torch.nn.AdaptiveAvgPool2d`` running :func:`reference.pooling.adaptive_avg_pool2d`.

    >>> AdaptiveAvgPool2d((6, 6))(torch.zeros(1, 256, 13, 13)).shape
    torch.Size([1, 256, 6, 6])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _pool.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool2d(torch.nn.AdaptiveMaxPool2d):
    """``torch.nn.AdaptiveMaxPool2d`` running :func:`reference.pooling.adaptive_max_pool2d`.

    >>> AdaptiveMaxPool2d(1)(torch.arange(4.0).view(1, 1, 2, 2)).flatten()
    tensor([3.])
    """

    def forward(self, input: torch.Tensor):
        return _pool.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class GlobalAvgPool2d(torch.nn.Module):
    """Global average pooling ``(N, C, H, W) -> (N, C, 1, 1)`` (no parameters).

    >>> GlobalAvgPool2d()(torch.ones(2, 3, 4, 4)).shape
    torch.Size([2, 3, 1, 1])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _pool.global_avg_pool2d(input)


class GlobalMaxPool2d(torch.nn.Module):
    """Global max pooling ``(N, C, H, W) -> (N, C, 1, 1)`` (no parameters).

    >>> GlobalMaxPool2d()(torch.ones(2, 3, 4, 4)).shape
    torch.Size([2, 3, 1, 1])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _pool.global_max_pool2d(input)
