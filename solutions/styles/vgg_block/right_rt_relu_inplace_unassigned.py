"""Right VGG block: F.relu(x, inplace=True) called without assigning its result (it works in place).

Deserves: full marks.
"""

import torch.nn.functional as F
from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1) for i in range(num_convs))

    def forward(self, x):
        for conv in self.convs:
            x = conv(x)
            F.relu(x, inplace=True)
        return F.max_pool2d(x, 2)
