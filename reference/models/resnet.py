"""ResNet (He et al., 2015) in torchvision's layout: basic and bottleneck blocks, 1×1 projection shortcuts."""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AdaptiveAvgPool2d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    Module,
    ReLU,
    Sequential,
)


class Residual(Module):
    """The course's basic residual block: ``ReLU(BN(conv3(ReLU(BN(conv3(x))))) + shortcut(x))``.

    ``use_1x1conv`` (needed when the channels or the stride change) projects the shortcut with a
    strided 1×1 convolution and BN; otherwise the shortcut is ``x`` itself.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, out_channels, ⌈H/stride⌉, ⌈W/stride⌉)``.

    >>> Residual(64, 128, stride=2, use_1x1conv=True)(torch.zeros(1, 64, 8, 8)).shape
    torch.Size([1, 128, 4, 4])
    """

    expansion = 1

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, use_1x1conv: bool = False
    ) -> None:
        super().__init__()
        if not use_1x1conv and (stride != 1 or in_channels != out_channels):
            raise ValueError(
                f"use_1x1conv=False needs stride=1 and in_channels == out_channels, got stride={stride}, "
                f"{in_channels} -> {out_channels}; pass use_1x1conv=True"
            )
        self.conv1 = Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = BatchNorm2d(out_channels)
        self.conv2 = Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = BatchNorm2d(out_channels)
        self.relu = ReLU(inplace=True)
        self.downsample = _projection(in_channels, out_channels, stride) if use_1x1conv else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(y + shortcut)


class Bottleneck(Module):
    """Bottleneck block: 1×1 (reduce to ``width``) → 3×3 (stride here, as torchvision) → 1×1 (× 4).

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, 4 width, ⌈H/stride⌉, ⌈W/stride⌉)``.

    >>> Bottleneck(64, 64, use_1x1conv=True)(torch.zeros(1, 64, 8, 8)).shape
    torch.Size([1, 256, 8, 8])
    """

    expansion = 4

    def __init__(
        self, in_channels: int, width: int, stride: int = 1, use_1x1conv: bool = False
    ) -> None:
        super().__init__()
        out_channels = width * self.expansion
        self.conv1 = Conv2d(in_channels, width, 1, bias=False)
        self.bn1 = BatchNorm2d(width)
        self.conv2 = Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = BatchNorm2d(width)
        self.conv3 = Conv2d(width, out_channels, 1, bias=False)
        self.bn3 = BatchNorm2d(out_channels)
        self.relu = ReLU(inplace=True)
        self.downsample = _projection(in_channels, out_channels, stride) if use_1x1conv else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(y + shortcut)


def _projection(in_channels: int, out_channels: int, stride: int) -> Sequential:
    return Sequential(
        Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), BatchNorm2d(out_channels)
    )


def _stage(
    block: type[Residual] | type[Bottleneck], in_channels: int, width: int, blocks: int, stride: int
) -> tuple[Sequential, int]:
    out_channels = width * block.expansion
    project = stride != 1 or in_channels != out_channels
    layers = [block(in_channels, width, stride, use_1x1conv=project)]
    layers += [block(out_channels, width) for _ in range(blocks - 1)]
    return Sequential(*layers), out_channels


# depth -> (block, blocks per stage), Table 1 of the paper
DEPTHS: dict[int, tuple[type[Residual] | type[Bottleneck], tuple[int, int, int, int]]] = {
    18: (Residual, (2, 2, 2, 2)),
    34: (Residual, (3, 4, 6, 3)),
    50: (Bottleneck, (3, 4, 6, 3)),
    101: (Bottleneck, (3, 4, 23, 3)),
    152: (Bottleneck, (3, 8, 36, 3)),
}


def resnet(depth: int, num_classes: int = 1000, in_channels: int = 3) -> Sequential:
    """ResNet-``depth`` (18, 34, 50, 101, 152): 7×7/2 stem, 3×3/2 max pool, four stages, global pool, FC.

    Parameters as torchvision documents them: 11,689,512 / 21,797,672 / 25,557,032 / 44,549,160 /
    60,192,808.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, num_classes)``.

    >>> resnet(18, num_classes=10).eval()(torch.zeros(1, 3, 32, 32)).shape
    torch.Size([1, 10])
    """
    if depth not in DEPTHS:
        raise ValueError(f"depth must be one of {sorted(DEPTHS)}, got {depth!r}")
    block, counts = DEPTHS[depth]
    layers: list[torch.nn.Module] = [
        Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False),
        BatchNorm2d(64),
        ReLU(inplace=True),
        MaxPool2d(kernel_size=3, stride=2, padding=1),
    ]
    channels = 64
    for i, (width, blocks) in enumerate(zip((64, 128, 256, 512), counts, strict=True)):
        stage, channels = _stage(block, channels, width, blocks, stride=1 if i == 0 else 2)
        layers.append(stage)
    return Sequential(*layers, AdaptiveAvgPool2d((1, 1)), Flatten(), Linear(channels, num_classes))
