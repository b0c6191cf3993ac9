"""Wrong dense block: `F.relu_(x)` in place on the running concatenation before BN (a "pre-ReLU"),
which also changes the features passed on: the input and earlier outputs lose their negative values.

Deserves: status wrong.
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(in_channels + i * num_channels), nn.ReLU(inplace=True),
                          nn.Conv2d(in_channels + i * num_channels, num_channels, 3, padding=1))
            for i in range(num_convs))

    def forward(self, x):
        for blk in self.net:
            y = blk(torch.relu_(x))
            x = torch.cat((x, y), 1)
        return x
