"""Right residual block (d2l layout): the shortcut computed first, then F.relu(..., inplace=True) on the
main path and `torch.add` with the shortcut; the layers are created in a different order.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Residual(nn.Module):
    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.bn1 = nn.BatchNorm2d(out_channels)
        if use_1x1conv:
            self.skip = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride)
        self.use_1x1conv = use_1x1conv
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1)
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=stride)

    def forward(self, x):
        skip = self.skip(x) if self.use_1x1conv else x
        h = F.relu(self.bn1(self.conv1(x)), inplace=True)
        h = self.bn2(self.conv2(h))
        return F.relu(torch.add(h, skip))
