"""VGG (Simonyan & Zisserman, 2014) configurations A, A-LRN, B, C, D, E, with or without BatchNorm."""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    LocalResponseNorm,
    MaxPool2d,
    ReLU,
    Sequential,
)
from cnngrade.reference.models._sizes import size_after

# Table 1 of the paper: per block, the convolutions as (out_channels, kernel_size); "LRN" after the
# first convolution in A-LRN. Every block ends with 2×2 max pooling, stride 2.
CONFIGS: dict[str, tuple[tuple, ...]] = {
    "A": (((64, 3),), ((128, 3),), ((256, 3),) * 2, ((512, 3),) * 2, ((512, 3),) * 2),
    "A-LRN": (((64, 3), "LRN"), ((128, 3),), ((256, 3),) * 2, ((512, 3),) * 2, ((512, 3),) * 2),
    "B": (((64, 3),) * 2, ((128, 3),) * 2, ((256, 3),) * 2, ((512, 3),) * 2, ((512, 3),) * 2),
    "C": (
        ((64, 3),) * 2,
        ((128, 3),) * 2,
        ((256, 3), (256, 3), (256, 1)),
        ((512, 3), (512, 3), (512, 1)),
        ((512, 3), (512, 3), (512, 1)),
    ),
    "D": (((64, 3),) * 2, ((128, 3),) * 2, ((256, 3),) * 3, ((512, 3),) * 3, ((512, 3),) * 3),
    "E": (((64, 3),) * 2, ((128, 3),) * 2, ((256, 3),) * 4, ((512, 3),) * 4, ((512, 3),) * 4),
}


def vgg_block(
    num_convs: int,
    in_channels: int,
    out_channels: int,
    batch_norm: bool = False,
    kernel_size: int = 3,
) -> Sequential:
    """The course's VGG block: ``num_convs`` × (conv k×k, pad k//2 [+ BN] + ReLU), then 2×2 max pool.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, out_channels, ⌊H/2⌋, ⌊W/2⌋)``.

    >>> vgg_block(2, 3, 64)(torch.zeros(1, 3, 8, 8)).shape
    torch.Size([1, 64, 4, 4])
    """
    layers: list[torch.nn.Module] = []
    for i in range(num_convs):
        layers += _conv(
            in_channels if i == 0 else out_channels, out_channels, kernel_size, batch_norm
        )
    return Sequential(*layers, MaxPool2d(kernel_size=2, stride=2))


def _conv(
    in_channels: int, out_channels: int, kernel_size: int, batch_norm: bool
) -> list[torch.nn.Module]:
    conv = Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
    return (
        [conv, BatchNorm2d(out_channels), ReLU(inplace=True)]
        if batch_norm
        else [conv, ReLU(inplace=True)]
    )


def _block(spec: tuple, in_channels: int, batch_norm: bool) -> tuple[list[torch.nn.Module], int]:
    layers: list[torch.nn.Module] = []
    for item in spec:
        if item == "LRN":  # Krizhevsky's setting, which the VGG paper reuses
            layers.append(LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0, convention="paper"))
            continue
        out_channels, kernel_size = item
        layers += _conv(in_channels, out_channels, kernel_size, batch_norm)
        in_channels = out_channels
    return [*layers, MaxPool2d(kernel_size=2, stride=2)], in_channels


def vgg(
    config: str,
    num_classes: int = 1000,
    in_channels: int = 3,
    image_size: int = 224,
    batch_norm: bool = False,
) -> Sequential:
    """VGG with configuration ``config`` (A, A-LRN, B, C, D, E); D is VGG-16 (138,357,544 parameters).

    224 → 112 → 56 → 28 → 14 → 7 with channels 64 → 128 → 256 → 512 → 512, then three FC layers
    (4096, 4096, ``num_classes``) whose input size comes from ``image_size``.

    Shape:
        ``(N, in_channels, image_size, image_size)`` → ``(N, num_classes)``.

    >>> vgg("A", num_classes=10, image_size=32)(torch.zeros(1, 3, 32, 32)).shape
    torch.Size([1, 10])
    """
    if config not in CONFIGS:
        raise ValueError(f"config must be one of {sorted(CONFIGS)}, got {config!r}")
    features: list[torch.nn.Module] = []
    channels = in_channels
    for spec in CONFIGS[config]:
        layers, channels = _block(spec, channels, batch_norm)
        features += layers
    side = size_after(image_size, features)
    return Sequential(
        *features,
        Flatten(),
        Linear(channels * side * side, 4096),
        ReLU(inplace=True),
        Dropout(0.5),
        Linear(4096, 4096),
        ReLU(inplace=True),
        Dropout(0.5),
        Linear(4096, num_classes),
    )
