"""``torch.nn``-compatible layers whose forward passes run the reference functional ops.

Each class subclasses its torch namesake and overrides only ``forward``, so construction, parameter
initialization, parameter names and shapes are torch's: a ``state_dict`` loads both ways between
``reference.nn.Conv2d`` and ``torch.nn.Conv2d``. The model zoo (``reference.models``) is built from
these, so a model's numbers come from the reference, and tests compare it with the torch twin.
Convolutions, pooling, activations and cells live in :mod:`reference.nn_conv`,
:mod:`reference.nn_pooling`, :mod:`reference.nn_simple` and :mod:`reference.nn_recurrent`; everything
is re-exported here.
"""

from __future__ import annotations

import numpy as np
import torch

from cnngrade.reference import layers as _layers
from cnngrade.reference.nn_conv import (
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    DepthwiseSeparableConv2d,
)
from cnngrade.reference.nn_pooling import (
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    GlobalAvgPool2d,
    GlobalMaxPool2d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    MaxUnpool2d,
)
from cnngrade.reference.nn_recurrent import GRU, LSTM, RNN
from cnngrade.reference.nn_simple import (
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
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "ChannelShuffle",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "DepthwiseSeparableConv2d",
    "Dropout",
    "Flatten",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "GRU",
    "GRUCell",
    "Hardsigmoid",
    "Hardswish",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LocalResponseNorm",
    "LSTM",
    "LSTMCell",
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "MaxUnpool2d",
    "ReLU",
    "ReLU6",
    "RNN",
    "RNNCell",
    "Sigmoid",
    "Softmax",
    "Tanh",
]


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
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
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
        return _layers.local_response_norm(
            input, self.size, self.alpha, self.beta, self.k, self.convention
        )


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
        if not (rng is None or isinstance(rng, np.random.Generator)) and (
            isinstance(rng, bool) or not isinstance(rng, int)
        ):
            raise ValueError(
                f"Dropout: rng must be a numpy.random.Generator or an int seed, got {rng!r}"
            )
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
        from cnngrade.reference.separable import (
            channel_shuffle,  # a sibling module; imported on use
        )

        return channel_shuffle(input, self.groups)
