"""Inception storing the paths under descriptive names, defined in the order 4, 3, 2, 1.

Deserves: full marks.
"""

import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.pool_path = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
            nn.Conv2d(in_channels, c4, kernel_size=1),
            nn.ReLU(),
        )
        self.five = nn.Sequential(
            nn.Conv2d(in_channels, c3[0], 1),
            nn.ReLU(),
            nn.Conv2d(c3[0], c3[1], 5, padding=2),
            nn.ReLU(),
        )
        self.three = nn.Sequential(
            nn.Conv2d(in_channels, c2[0], 1),
            nn.ReLU(),
            nn.Conv2d(c2[0], c2[1], 3, padding=1),
            nn.ReLU(),
        )
        self.one = nn.Sequential(nn.Conv2d(in_channels, c1, 1), nn.ReLU())

    def forward(self, x):
        return torch.cat([self.one(x), self.three(x), self.five(x), self.pool_path(x)], dim=1)
