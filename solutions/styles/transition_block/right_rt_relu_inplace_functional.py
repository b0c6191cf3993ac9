"""Right transition block: a class using F.relu(..., inplace=True) after BN and nn.AvgPool2d(2)
(stride defaults to the kernel size), d2l bias kept.

Deserves: full marks.
"""

import torch.nn.functional as F
from torch import nn


class TransitionBlock(nn.Module):
    def __init__(self, in_channels, num_channels):
        super().__init__()
        self.bn = nn.BatchNorm2d(in_channels)
        self.conv = nn.Conv2d(in_channels, num_channels, 1)
        self.pool = nn.AvgPool2d(2)

    def forward(self, x):
        return self.pool(self.conv(F.relu(self.bn(x), inplace=True)))


def transition_block(in_channels, num_channels):
    return TransitionBlock(in_channels, num_channels)
