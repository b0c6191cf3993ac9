"""ShuffleNet v1 (Zhang et al., 2017): grouped 1×1 convolutions with a channel shuffle between them."""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    ChannelShuffle,
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    Module,
    ReLU,
    Sequential,
)


class ShuffleNetUnit(Module):
    """GConv 1×1 → BN → ReLU → shuffle → 3×3 depthwise (stride) → BN → GConv 1×1 → BN, then the shortcut.

    Stride 1: ``ReLU(branch(x) + x)`` (needs ``in_channels == out_channels``). Stride 2: the branch
    makes ``out_channels - in_channels`` maps, concatenated with a 3×3/2 average pool of ``x``. The
    bottleneck has ``out_channels // 4`` maps; ``first_grouped=False`` makes the first 1×1 dense (the
    paper's first unit, whose input has too few channels to split).

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, out_channels, ⌈H/stride⌉, ⌈W/stride⌉)``.

    >>> ShuffleNetUnit(240, 240, groups=3)(torch.zeros(1, 240, 8, 8)).shape
    torch.Size([1, 240, 8, 8])
    >>> ShuffleNetUnit(24, 240, groups=3, stride=2, first_grouped=False)(torch.zeros(1, 24, 8, 8)).shape
    torch.Size([1, 240, 4, 4])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        groups: int,
        stride: int = 1,
        first_grouped: bool = True,
    ) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {stride!r}")
        if stride == 1 and in_channels != out_channels:
            raise ValueError(
                f"a stride-1 unit adds its input, so in_channels ({in_channels}) must equal out_channels "
                f"({out_channels}); use stride=2 to change the width"
            )
        mid = out_channels // 4
        branch_out = out_channels - (in_channels if stride == 2 else 0)
        self.gconv1 = Conv2d(in_channels, mid, 1, groups=groups if first_grouped else 1, bias=False)
        self.bn1 = BatchNorm2d(mid)
        self.relu = ReLU(inplace=True)
        self.shuffle = ChannelShuffle(groups)
        self.dwconv = Conv2d(mid, mid, 3, stride=stride, padding=1, groups=mid, bias=False)
        self.bn2 = BatchNorm2d(mid)
        self.gconv2 = Conv2d(mid, branch_out, 1, groups=groups, bias=False)
        self.bn3 = BatchNorm2d(branch_out)
        self.pool = AvgPool2d(3, stride=2, padding=1) if stride == 2 else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.shuffle(self.relu(self.bn1(self.gconv1(x))))
        y = self.bn3(self.gconv2(self.bn2(self.dwconv(y))))
        if self.pool is None:
            return self.relu(y + x)
        return self.relu(torch.cat((self.pool(x), y), dim=1))


# Table 1 of the paper: output channels of stages 2-4 for each number of groups
STAGE_CHANNELS: dict[int, tuple[int, int, int]] = {
    1: (144, 288, 576),
    2: (200, 400, 800),
    3: (240, 480, 960),
    4: (272, 544, 1088),
    8: (384, 768, 1536),
}


def shufflenet_v1(num_classes: int = 1000, in_channels: int = 3, groups: int = 3) -> Sequential:
    """ShuffleNet 1× with ``groups`` (1, 2, 3, 4, 8): stem 3×3/2 (24) + max pool, stages of 4, 8, 4 units.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, num_classes)``.

    >>> shufflenet_v1(num_classes=10).eval()(torch.zeros(1, 3, 64, 64)).shape
    torch.Size([1, 10])
    """
    if groups not in STAGE_CHANNELS:
        raise ValueError(f"groups must be one of {sorted(STAGE_CHANNELS)}, got {groups!r}")
    layers: list[torch.nn.Module] = [
        Conv2d(in_channels, 24, 3, stride=2, padding=1, bias=False),
        BatchNorm2d(24),
        ReLU(inplace=True),
        MaxPool2d(3, stride=2, padding=1),
    ]
    channels = 24
    for stage, (out_channels, repeats) in enumerate(
        zip(STAGE_CHANNELS[groups], (4, 8, 4), strict=True)
    ):
        units = [ShuffleNetUnit(channels, out_channels, groups, stride=2, first_grouped=stage > 0)]
        units += [ShuffleNetUnit(out_channels, out_channels, groups) for _ in range(repeats - 1)]
        layers.append(Sequential(*units))
        channels = out_channels
    return Sequential(*layers, AdaptiveAvgPool2d((1, 1)), Flatten(), Linear(channels, num_classes))
