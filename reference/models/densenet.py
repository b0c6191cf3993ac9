"""DenseNet-BC (Huang et al., 2017) in torchvision's layout: dense blocks with bottlenecks, transitions."""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    Module,
    ReLU,
    Sequential,
)


def conv_block(in_channels: int, out_channels: int, kernel_size: int = 3) -> Sequential:
    """The course's DenseNet convolution block: BN → ReLU → conv (k×k, same size, no bias).

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, out_channels, H, W)``.

    >>> conv_block(3, 10)(torch.zeros(1, 3, 8, 8)).shape
    torch.Size([1, 10, 8, 8])
    """
    return Sequential(
        BatchNorm2d(in_channels),
        ReLU(inplace=True),
        Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False),
    )


def _dense_layer(in_channels: int, growth_rate: int, bn_size: int | None) -> Sequential:
    """One layer of a dense block; with ``bn_size`` a 1×1 bottleneck to ``bn_size × growth_rate`` first."""
    if bn_size is None:
        return conv_block(in_channels, growth_rate)
    return Sequential(
        conv_block(in_channels, bn_size * growth_rate, 1),
        conv_block(bn_size * growth_rate, growth_rate),
    )


class DenseBlock(Module):
    """``num_convs`` layers, each reading the concatenation of the block input and every earlier layer.

    Layer ``i`` gets ``in_channels + i × growth_rate`` channels, so the block outputs
    ``in_channels + num_convs × growth_rate``; counting the block input as a layer, there are
    L(L+1)/2 direct connections. ``bn_size=None`` gives the course's plain version (conv_block only).

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, in_channels + num_convs × growth_rate, H, W)``.

    >>> DenseBlock(2, 3, 10, bn_size=None)(torch.zeros(4, 3, 8, 8)).shape
    torch.Size([4, 23, 8, 8])
    """

    def __init__(
        self, num_convs: int, in_channels: int, growth_rate: int, bn_size: int | None = 4
    ) -> None:
        super().__init__()
        self.net = torch.nn.ModuleList(
            _dense_layer(in_channels + i * growth_rate, growth_rate, bn_size)
            for i in range(num_convs)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.net:
            x = torch.cat((x, layer(x)), dim=1)
        return x


def transition_block(in_channels: int, out_channels: int) -> Sequential:
    """BN → ReLU → 1×1 conv (compresses channels) → 2×2 average pool, stride 2 (halves H and W).

    >>> transition_block(23, 10)(torch.zeros(1, 23, 8, 8)).shape
    torch.Size([1, 10, 4, 4])
    """
    return Sequential(
        BatchNorm2d(in_channels),
        ReLU(inplace=True),
        Conv2d(in_channels, out_channels, kernel_size=1, bias=False),
        AvgPool2d(kernel_size=2, stride=2),
    )


# depth -> (initial features, growth rate, layers per block), from the paper's Table 1
DEPTHS: dict[int, tuple[int, int, tuple[int, ...]]] = {
    121: (64, 32, (6, 12, 24, 16)),
    161: (96, 48, (6, 12, 36, 24)),
    169: (64, 32, (6, 12, 32, 32)),
    201: (64, 32, (6, 12, 48, 32)),
}


def densenet(
    depth: int, num_classes: int = 1000, in_channels: int = 3, compression: float = 0.5
) -> Sequential:
    """DenseNet-BC-``depth`` (121, 161, 169, 201); transitions keep ``compression`` of the channels.

    Parameters as torchvision documents them: 7,978,856 / 28,681,000 / 14,149,480 / 20,013,928.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, num_classes)``.

    >>> densenet(121, num_classes=10).eval()(torch.zeros(1, 3, 32, 32)).shape
    torch.Size([1, 10])
    """
    if depth not in DEPTHS:
        raise ValueError(f"depth must be one of {sorted(DEPTHS)}, got {depth!r}")
    if not 0 < compression <= 1:
        raise ValueError(f"compression must be in (0, 1], got {compression!r}")
    channels, growth, blocks = DEPTHS[depth]
    layers: list[torch.nn.Module] = [
        Conv2d(in_channels, channels, 7, stride=2, padding=3, bias=False),
        BatchNorm2d(channels),
        ReLU(inplace=True),
        MaxPool2d(kernel_size=3, stride=2, padding=1),
    ]
    for i, num_convs in enumerate(blocks):
        layers.append(DenseBlock(num_convs, channels, growth))
        channels += num_convs * growth
        if i != len(blocks) - 1:
            layers.append(transition_block(channels, int(channels * compression)))
            channels = int(channels * compression)
    return Sequential(
        *layers,
        BatchNorm2d(channels),
        ReLU(inplace=True),
        AdaptiveAvgPool2d((1, 1)),
        Flatten(),
        Linear(channels, num_classes),
    )
