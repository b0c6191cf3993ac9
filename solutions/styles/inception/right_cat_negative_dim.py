"""Right Inception block: branches in an nn.ModuleDict, concatenated with dim=-3 (the channels of (N, C, H, W))."""

import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.paths = nn.ModuleDict(
            {
                "1x1": nn.Sequential(nn.Conv2d(in_channels, c1, 1), nn.ReLU(inplace=True)),
                "3x3": nn.Sequential(
                    nn.Conv2d(in_channels, c2[0], 1),
                    nn.ReLU(inplace=True),
                    nn.Conv2d(c2[0], c2[1], 3, padding=1),
                    nn.ReLU(inplace=True),
                ),
                "5x5": nn.Sequential(
                    nn.Conv2d(in_channels, c3[0], 1),
                    nn.ReLU(inplace=True),
                    nn.Conv2d(c3[0], c3[1], 5, padding=2),
                    nn.ReLU(inplace=True),
                ),
                "pool": nn.Sequential(
                    nn.MaxPool2d(3, stride=1, padding=1),
                    nn.Conv2d(in_channels, c4, 1),
                    nn.ReLU(inplace=True),
                ),
            }
        )

    def forward(self, x):
        return torch.cat([path(x) for path in self.paths.values()], dim=-3)
