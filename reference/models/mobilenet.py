"""MobileNet v1 (Howard et al., 2017): depthwise separable convolutions and a width multiplier."""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AdaptiveAvgPool2d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    Linear,
    ReLU,
    Sequential,
)

# Table 1 of the paper: (output channels, stride) of each depthwise separable layer after the stem.
PLAN: tuple[tuple[int, int], ...] = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
)


def depthwise_separable_block(in_channels: int, out_channels: int, stride: int = 1) -> Sequential:
    """3×3 depthwise conv (groups = C_in) → BN → ReLU → 1×1 pointwise conv → BN → ReLU.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, out_channels, ⌈H/stride⌉, ⌈W/stride⌉)``.

    >>> depthwise_separable_block(32, 64, stride=2)(torch.zeros(2, 32, 8, 8)).shape
    torch.Size([2, 64, 4, 4])
    """
    return Sequential(
        Conv2d(
            in_channels, in_channels, 3, stride=stride, padding=1, groups=in_channels, bias=False
        ),
        BatchNorm2d(in_channels),
        ReLU(inplace=True),
        Conv2d(in_channels, out_channels, 1, bias=False),
        BatchNorm2d(out_channels),
        ReLU(inplace=True),
    )


def mobilenet_v1(
    num_classes: int = 1000, in_channels: int = 3, width_multiplier: float = 1.0
) -> Sequential:
    """MobileNet v1: 3×3/2 conv stem (32), 13 depthwise separable layers, global pool, FC.

    ``width_multiplier`` α thins every layer to ``int(α C)`` channels. At α = 1 this has 4,231,976
    trainable parameters (the paper's Table rounds to 4.2M) plus 21,888 BatchNorm statistics.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, num_classes)`` (224 → 112 → … → 7).

    >>> mobilenet_v1(num_classes=10, width_multiplier=0.25).eval()(torch.zeros(1, 3, 32, 32)).shape
    torch.Size([1, 10])
    """
    if not width_multiplier > 0:
        raise ValueError(f"width_multiplier must be > 0, got {width_multiplier!r}")
    channels = max(1, int(32 * width_multiplier))
    layers: list[torch.nn.Module] = [
        Conv2d(in_channels, channels, 3, stride=2, padding=1, bias=False),
        BatchNorm2d(channels),
        ReLU(inplace=True),
    ]
    for out_channels, stride in PLAN:
        out_channels = max(1, int(out_channels * width_multiplier))
        layers.append(depthwise_separable_block(channels, out_channels, stride))
        channels = out_channels
    return Sequential(*layers, AdaptiveAvgPool2d((1, 1)), Flatten(), Linear(channels, num_classes))
