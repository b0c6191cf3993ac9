"""Wrong dense block: 1x1 convs (the bottleneck layer) instead of 3x3 padding 1.

Deserves: status wrong.
Feedback: 1x1
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(in_channels + i * num_channels), nn.ReLU(),
                          nn.Conv2d(in_channels + i * num_channels, num_channels, 1))
            for i in range(num_convs))

    def forward(self, x):
        for blk in self.net:
            x = torch.cat((x, blk(x)), 1)
        return x
