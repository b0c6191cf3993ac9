"""Inception with an nn.ModuleList of paths and the pooling path's max pool done with
F.max_pool2d in forward; c2/c3 unpacked.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        c2a, c2b = c2
        c3a, c3b = c3
        self.paths = nn.ModuleList(
            [
                nn.ModuleList([nn.Conv2d(in_channels, c1, 1)]),
                nn.ModuleList([nn.Conv2d(in_channels, c2a, 1), nn.Conv2d(c2a, c2b, 3, padding=1)]),
                nn.ModuleList([nn.Conv2d(in_channels, c3a, 1), nn.Conv2d(c3a, c3b, 5, padding=2)]),
            ]
        )
        self.pool_proj = nn.Conv2d(in_channels, c4, 1)

    def forward(self, x):
        outs = []
        for path in self.paths:
            y = x
            for conv in path:
                y = F.relu(conv(y))
            outs.append(y)
        outs.append(F.relu(self.pool_proj(F.max_pool2d(x, 3, stride=1, padding=1))))
        return torch.cat(outs, dim=1)
