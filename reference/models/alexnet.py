"""AlexNet (Krizhevsky et al., 2012): the single-GPU layout torchvision has and the original two-GPU one."""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AdaptiveAvgPool2d,
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


def _classifier(in_features: int, num_classes: int, dropout_first: bool) -> list[torch.nn.Module]:
    fc6 = [Dropout(0.5), Linear(in_features, 4096), ReLU(inplace=True)]
    fc7 = [Dropout(0.5), Linear(4096, 4096), ReLU(inplace=True)]
    if not dropout_first:  # dropout after the activation, as the paper describes it
        fc6, fc7 = fc6[1:] + fc6[:1], fc7[1:] + fc7[:1]
    return [*fc6, *fc7, Linear(4096, num_classes)]


def alexnet(num_classes: int = 1000, in_channels: int = 3) -> Sequential:
    """Single-GPU AlexNet in torchvision's layout (64/192/384/256/256 channels): 61,100,840 parameters.

    Shape:
        ``(N, in_channels, H, W)`` with H, W >= 63 → ``(N, num_classes)`` (adaptive pooling to 6×6).

    >>> alexnet(num_classes=10)(torch.zeros(1, 3, 63, 63)).shape
    torch.Size([1, 10])
    """
    pooled = AdaptiveAvgPool2d((6, 6))
    return Sequential(
        Conv2d(in_channels, 64, kernel_size=11, stride=4, padding=2),
        ReLU(inplace=True),
        MaxPool2d(kernel_size=3, stride=2),
        Conv2d(64, 192, kernel_size=5, padding=2),
        ReLU(inplace=True),
        MaxPool2d(kernel_size=3, stride=2),
        Conv2d(192, 384, kernel_size=3, padding=1),
        ReLU(inplace=True),
        Conv2d(384, 256, kernel_size=3, padding=1),
        ReLU(inplace=True),
        Conv2d(256, 256, kernel_size=3, padding=1),
        ReLU(inplace=True),
        MaxPool2d(kernel_size=3, stride=2),
        pooled,
        Flatten(),
        *_classifier(256 * size_after(1, [pooled]) ** 2, num_classes, dropout_first=True),
    )


def alexnet_2gpu(
    num_classes: int = 1000, in_channels: int = 3, image_size: int = 227
) -> Sequential:
    """The paper's two-GPU AlexNet as the slides count it: C2, C4, C5 grouped (2 groups), LRN after C1, C2.

    227 → 55 → 27 → 13 → 6 (seed 001). With the output layer's bias this has 60,965,224
    parameters; the slides count 60,964,224 because they leave that bias (1,000) out. The slides'
    659,272 neurons are the C1-C5 feature maps (before pooling) plus the FC6, FC7 and output units.
    LRN: k=2, n=5, α=1e-4, β=0.75 in the paper's ``a / (k + α Σ a²)^β`` (``convention="paper"``:
    torch's own layer divides α by n).

    Shape:
        ``(N, in_channels, image_size, image_size)`` → ``(N, num_classes)``.

    >>> sum(p.numel() for p in alexnet_2gpu().parameters())
    60965224
    """
    features = Sequential(
        Conv2d(in_channels, 96, kernel_size=11, stride=4),
        ReLU(inplace=True),  # C1
        LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0, convention="paper"),
        MaxPool2d(kernel_size=3, stride=2),
        Conv2d(96, 256, kernel_size=5, padding=2, groups=2),
        ReLU(inplace=True),  # C2
        LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0, convention="paper"),
        MaxPool2d(kernel_size=3, stride=2),
        Conv2d(256, 384, kernel_size=3, padding=1),
        ReLU(inplace=True),  # C3 reads both GPUs
        Conv2d(384, 384, kernel_size=3, padding=1, groups=2),
        ReLU(inplace=True),  # C4
        Conv2d(384, 256, kernel_size=3, padding=1, groups=2),
        ReLU(inplace=True),  # C5
        MaxPool2d(kernel_size=3, stride=2),
    )
    side = size_after(image_size, features)
    return Sequential(
        *features,
        Flatten(),
        *_classifier(256 * side * side, num_classes, dropout_first=False),
    )
