"""Network in Network (Lin et al., 2013) as the course (d2l) builds it: NiN blocks and global pooling."""

from __future__ import annotations

from cnngrade.reference.models._layers import (
    AdaptiveAvgPool2d,
    Conv2d,
    Dropout,
    Flatten,
    MaxPool2d,
    ReLU,
    Sequential,
)


def nin_block(
    in_channels: int, out_channels: int, kernel_size: int, stride: int, padding: int
) -> Sequential:
    """One k×k convolution then two 1×1 convolutions (a per-pixel MLP), each followed by ReLU.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, out_channels, H_out, W_out)``, sizes as for the k×k conv.

    >>> import torch
    >>> nin_block(1, 96, kernel_size=11, stride=4, padding=0)(torch.zeros(1, 1, 224, 224)).shape
    torch.Size([1, 96, 54, 54])
    """
    return Sequential(
        Conv2d(in_channels, out_channels, kernel_size, stride, padding),
        ReLU(inplace=True),
        Conv2d(out_channels, out_channels, kernel_size=1),
        ReLU(inplace=True),
        Conv2d(out_channels, out_channels, kernel_size=1),
        ReLU(inplace=True),
    )


def nin(num_classes: int = 10, in_channels: int = 1) -> Sequential:
    """NiN: four NiN blocks (96, 256, 384, ``num_classes`` channels), max pools, global average pooling.

    No fully connected layer: the last block has one channel per class, averaged over the map.

    Shape:
        ``(N, in_channels, H, W)`` (224×224 in the course) → ``(N, num_classes)``.

    >>> import torch
    >>> nin()(torch.zeros(1, 1, 224, 224)).shape
    torch.Size([1, 10])
    """
    return Sequential(
        nin_block(in_channels, 96, kernel_size=11, stride=4, padding=0),
        MaxPool2d(kernel_size=3, stride=2),
        nin_block(96, 256, kernel_size=5, stride=1, padding=2),
        MaxPool2d(kernel_size=3, stride=2),
        nin_block(256, 384, kernel_size=3, stride=1, padding=1),
        MaxPool2d(kernel_size=3, stride=2),
        Dropout(0.5),
        nin_block(384, num_classes, kernel_size=3, stride=1, padding=1),
        AdaptiveAvgPool2d((1, 1)),
        Flatten(),
    )
