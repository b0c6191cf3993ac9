"""Wrong dense block: each conv block is conv -> BN -> ReLU (the ResNet order) instead of BN -> ReLU -> conv.

Deserves: status wrong.
Feedback: missing BatchNorm2d(3)
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(in_channels + i * num_channels, num_channels, 3, padding=1, bias=False),
                nn.BatchNorm2d(num_channels),
                nn.ReLU(),
            )
            for i in range(num_convs)
        )

    def forward(self, x):
        for block in self.blocks:
            x = torch.cat([x, block(x)], dim=1)
        return x
