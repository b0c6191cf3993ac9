"""The blocks as Dive into Deep Learning (d2l, the course's textbook) prints them, where they differ
from the paper/torchvision layout of the zoo: every convolution keeps its bias, even before a batch
norm, and the residual block's 1×1 shortcut has no batch norm. Argument names and order are d2l's.

d2l's LeNet, VGG and Inception blocks are the zoo's ``lenet5``, ``vgg_block`` and ``Inception``.
"""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Module,
    ReLU,
    Sequential,
)


class Residual(Module):
    """d2l's residual block: ``ReLU(BN(conv3(ReLU(BN(conv3(X))))) + shortcut)``, convs with bias.

    The shortcut is ``X``, or with ``use_1x1conv`` a strided 1×1 convolution (bias, no BN).

    Shape:
        ``(N, input_channels, H, W)`` → ``(N, num_channels, ⌈H/strides⌉, ⌈W/strides⌉)``.

    >>> Residual(3, 6, use_1x1conv=True, strides=2)(torch.zeros(1, 3, 6, 6)).shape
    torch.Size([1, 6, 3, 3])
    """

    def __init__(
        self, input_channels: int, num_channels: int, use_1x1conv: bool = False, strides: int = 1
    ) -> None:
        super().__init__()
        if not use_1x1conv and (strides != 1 or input_channels != num_channels):
            raise ValueError(
                f"use_1x1conv=False needs strides=1 and input_channels == num_channels, got "
                f"strides={strides}, {input_channels} -> {num_channels}; pass use_1x1conv=True"
            )
        self.conv1 = Conv2d(input_channels, num_channels, 3, padding=1, stride=strides)
        self.conv2 = Conv2d(num_channels, num_channels, 3, padding=1)
        self.conv3 = (
            Conv2d(input_channels, num_channels, 1, stride=strides) if use_1x1conv else None
        )
        self.bn1 = BatchNorm2d(num_channels)
        self.bn2 = BatchNorm2d(num_channels)
        self.relu = ReLU()

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = self.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        return self.relu(Y + X)


def conv_block(input_channels: int, num_channels: int) -> Sequential:
    """d2l's DenseNet convolution block: BN → ReLU → 3×3 conv (padding 1, with bias).

    >>> conv_block(3, 10)(torch.zeros(1, 3, 8, 8)).shape
    torch.Size([1, 10, 8, 8])
    """
    return Sequential(
        BatchNorm2d(input_channels), ReLU(), Conv2d(input_channels, num_channels, 3, padding=1)
    )


class DenseBlock(Module):
    """d2l's dense block: block ``i`` reads ``cat((X, Y_1, …, Y_{i-1}), dim=1)``; returns the last concat.

    Shape:
        ``(N, input_channels, H, W)`` → ``(N, input_channels + num_convs × num_channels, H, W)``.

    >>> DenseBlock(2, 3, 10)(torch.zeros(4, 3, 8, 8)).shape
    torch.Size([4, 23, 8, 8])
    """

    def __init__(self, num_convs: int, input_channels: int, num_channels: int) -> None:
        super().__init__()
        self.net = Sequential(
            *(conv_block(num_channels * i + input_channels, num_channels) for i in range(num_convs))
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X


def transition_block(input_channels: int, num_channels: int) -> Sequential:
    """d2l's transition block: BN → ReLU → 1×1 conv (with bias) → 2×2 average pool, stride 2.

    >>> transition_block(6, 3)(torch.zeros(1, 6, 8, 8)).shape
    torch.Size([1, 3, 4, 4])
    """
    return Sequential(
        BatchNorm2d(input_channels),
        ReLU(),
        Conv2d(input_channels, num_channels, kernel_size=1),
        AvgPool2d(kernel_size=2, stride=2),
    )
