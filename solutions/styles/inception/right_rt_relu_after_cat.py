"""Right Inception block: each path ends in its conv and ONE ReLU is applied to the concatenation
(ReLU is elementwise: the same as a ReLU per path); torch.cat on dim=-3.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, c1, 1)
        self.b2a, self.b2b = nn.Conv2d(in_channels, c2[0], 1), nn.Conv2d(c2[0], c2[1], 3, padding=1)
        self.b3a, self.b3b = nn.Conv2d(in_channels, c3[0], 1), nn.Conv2d(c3[0], c3[1], 5, padding=2)
        self.b4 = nn.Conv2d(in_channels, c4, 1)

    def forward(self, x):
        y1 = self.b1(x)
        y2 = self.b2b(F.relu(self.b2a(x)))
        y3 = self.b3b(F.relu(self.b3a(x)))
        y4 = self.b4(F.max_pool2d(x, 3, 1, 1))
        return F.relu(torch.cat([y1, y2, y3, y4], dim=-3))
