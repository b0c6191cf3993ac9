"""Wrong dense block: conv blocks ordered Conv, BN, ReLU (the post-activation order) instead of
BN, ReLU, Conv.

Deserves: status wrong.
Feedback: BatchNorm2d
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList()
        for i in range(num_convs):
            c = in_channels + i * num_channels
            self.net.append(nn.Sequential(nn.Conv2d(c, num_channels, 3, padding=1),
                                          nn.BatchNorm2d(num_channels), nn.ReLU()))

    def forward(self, x):
        for blk in self.net:
            x = torch.cat((x, blk(x)), 1)
        return x
