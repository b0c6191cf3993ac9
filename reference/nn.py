"""``torch.nn``-compatible layers whose forward passes run the reference functional ops.

Each class subclasses its torch namesake and overrides only ``forward``, so construction, parameter
initialization, parameter names and shapes are torch's: a ``state_dict`` loads both ways between
``reference.nn.Conv2d`` and ``torch.nn.Conv2d``. The model zoo (``reference.models``) is built from
these, so a model's numbers come from the reference, and tests compare it with the torch twin.
Activation and recurrent modules are in :mod:`reference.nn_simple` and re-exported here.
"""

from __future__ import annotations

import numpy as np
import torch

from reference import conv as _conv
from reference import conv_transpose as _convt
from reference import layers as _layers
from reference import pooling as _pool
from reference.analysis.sizes import conv_transpose_output_size
from reference.nn_simple import (
    GRUCell,
    Hardsigmoid,
    Hardswish,
    LeakyReLU,
    LSTMCell,
    ReLU,
    ReLU6,
    RNNCell,
    Sigmoid,
    Softmax,
    Tanh,
)

__all__ = [
    "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "BatchNorm1d",
    "BatchNorm2d", "BatchNorm3d", "ChannelShuffle", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d",
    "ConvTranspose2d", "ConvTranspose3d", "DepthwiseSeparableConv2d", "Dropout", "Flatten",
    "GlobalAvgPool2d", "GlobalMaxPool2d", "GRUCell", "Hardsigmoid", "Hardswish", "LayerNorm",
    "LeakyReLU", "Linear", "LocalResponseNorm", "LSTMCell", "MaxPool1d", "MaxPool2d", "MaxPool3d",
    "MaxUnpool2d", "ReLU", "ReLU6", "RNNCell", "Sigmoid", "Softmax", "Tanh",
]


class _ConvMixin:
    """forward = the reference ``conv{m}d`` with the module's own hyper-parameters."""

    _op = staticmethod(_conv.conv2d)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self._op(
            input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups,
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
            wanted = tuple(output_size)[-self._m:]
            base = [
                conv_transpose_output_size(int(n), k, s, p, 0, d)
                for n, k, s, p, d in zip(
                    input.shape[-self._m:], self.kernel_size, self.stride, self.padding, self.dilation
                )
            ]
            output_padding = tuple(w - b for w, b in zip(wanted, base))
            if any(op < 0 for op in output_padding):
                raise ValueError(f"output_size={tuple(output_size)} is smaller than the minimum {tuple(base)}")
        return self._op(
            input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
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

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 bias=True, depth_multiplier=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        mid = in_channels * depth_multiplier
        kw = {"device": device, "dtype": dtype}
        self.depthwise = Conv2d(in_channels, mid, kernel_size, stride, padding, dilation,
                                groups=in_channels, bias=bias, padding_mode=padding_mode, **kw)
        self.pointwise = Conv2d(mid, out_channels, 1, bias=bias, **kw)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(input))


class _MaxPoolMixin:
    _op = staticmethod(_pool.max_pool2d)

    def forward(self, input: torch.Tensor):
        return self._op(input, self.kernel_size, self.stride, self.padding, self.dilation,
                        self.ceil_mode, self.return_indices)


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
        return _pool.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                self.count_include_pad)


class _AvgPoolMixin:
    _op = staticmethod(_pool.avg_pool2d)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self._op(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                        self.count_include_pad, self.divisor_override)


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
        return _pool.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


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


class _BatchNormMixin:
    """torch's ``_BatchNorm.forward`` (momentum ``None`` = cumulative average) on the reference op."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep_running = not self.training or self.track_running_stats
        return _layers.batch_norm(
            input,
            self.running_mean if keep_running else None,
            self.running_var if keep_running else None,
            self.weight, self.bias, use_batch, factor, self.eps,
        )


class BatchNorm1d(_BatchNormMixin, torch.nn.BatchNorm1d):
    """``torch.nn.BatchNorm1d`` running :func:`reference.layers.batch_norm`.

    >>> BatchNorm1d(3)(torch.randn(4, 3, generator=torch.Generator().manual_seed(0))).shape
    torch.Size([4, 3])
    """


class BatchNorm2d(_BatchNormMixin, torch.nn.BatchNorm2d):
    """``torch.nn.BatchNorm2d`` running :func:`reference.layers.batch_norm`.

    >>> bn = BatchNorm2d(2).eval()
    >>> bn(torch.ones(1, 2, 3, 3)).shape
    torch.Size([1, 2, 3, 3])
    """


class BatchNorm3d(_BatchNormMixin, torch.nn.BatchNorm3d):
    """``torch.nn.BatchNorm3d`` running :func:`reference.layers.batch_norm`.

    >>> BatchNorm3d(1).eval()(torch.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 2, 2, 2])
    """


class LayerNorm(torch.nn.LayerNorm):
    """``torch.nn.LayerNorm`` running :func:`reference.layers.layer_norm`.

    >>> LayerNorm(4)(torch.ones(2, 4)).shape
    torch.Size([2, 4])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _layers.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)


class LocalResponseNorm(torch.nn.LocalResponseNorm):
    """``torch.nn.LocalResponseNorm`` on :func:`reference.layers.local_response_norm`.

    ``convention="paper"`` uses AlexNet's un-averaged ``α`` (torch divides ``α`` by ``size``).

    >>> LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)(torch.zeros(1, 8, 2, 2)).shape
    torch.Size([1, 8, 2, 2])
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0, convention="torch"):
        super().__init__(size, alpha, beta, k)
        if convention not in ("torch", "paper"):
            raise ValueError(f"convention must be 'torch' or 'paper', got {convention!r}")
        self.convention = convention

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _layers.local_response_norm(input, self.size, self.alpha, self.beta, self.k, self.convention)


class Linear(torch.nn.Linear):
    """``torch.nn.Linear`` running :func:`reference.layers.linear`.

    >>> Linear(400, 120)(torch.zeros(1, 400)).shape
    torch.Size([1, 120])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _layers.linear(input, self.weight, self.bias)


class Dropout(torch.nn.Dropout):
    """``torch.nn.Dropout`` running :func:`reference.layers.dropout` with its own numpy Generator.

    Args:
        rng: a ``numpy.random.Generator``, or an int seed for one (default seed 0), so masks are
            reproducible and never touch a global RNG.

    >>> Dropout(0.5, rng=1).eval()(torch.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p=0.5, inplace=False, rng=None):
        super().__init__(p, inplace)
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _layers.dropout(input, self.p, self.training, self.rng)


class Flatten(torch.nn.Flatten):
    """``torch.nn.Flatten`` (a reshape: ``(N, C, H, W) -> (N, C·H·W)``).

    >>> Flatten()(torch.zeros(1, 16, 5, 5)).shape
    torch.Size([1, 400])
    """


class ChannelShuffle(torch.nn.ChannelShuffle):
    """``torch.nn.ChannelShuffle`` running :func:`reference.separable.channel_shuffle` (ShuffleNet).

    >>> ChannelShuffle(2)(torch.arange(4.0).view(1, 4, 1, 1)).flatten()
    tensor([0., 2., 1., 3.])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        from reference.separable import channel_shuffle  # a sibling module; imported on use

        return channel_shuffle(input, self.groups)
