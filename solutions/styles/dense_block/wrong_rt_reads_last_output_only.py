"""Wrong dense block: each conv block reads only the previous block's output (a plain chain), though
every output is concatenated at the end; channels sized for the chain.

Deserves: status wrong.
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList()
        c = in_channels
        for _ in range(num_convs):
            self.net.append(nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, num_channels, 3, padding=1)))
            c = num_channels

    def forward(self, x):
        outs, h = [x], x
        for blk in self.net:
            h = blk(h)
            outs.append(h)
        return torch.cat(outs, 1)
