"""Right Inception block with default arguments and a keyword-only extra, an unused BatchNorm kept,
torch.concat.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels=192, c1=64, c2=(96, 128), c3=(16, 32), c4=32, *, use_bn=False):
        super().__init__()
        self.p1 = nn.Conv2d(in_channels, c1, 1)
        self.p2 = nn.ModuleList([nn.Conv2d(in_channels, c2[0], 1), nn.Conv2d(c2[0], c2[1], 3, 1, 1)])
        self.p3 = nn.ModuleList([nn.Conv2d(in_channels, c3[0], 1), nn.Conv2d(c3[0], c3[1], 5, 1, 2)])
        self.p4 = nn.Conv2d(in_channels, c4, 1)
        self.bn = nn.BatchNorm2d(c1)

    def forward(self, x):
        outs = [F.relu(self.p1(x))]
        for a, b in (self.p2, self.p3):
            outs.append(F.relu(b(F.relu(a(x)))))
        outs.append(F.relu(self.p4(F.max_pool2d(x, 3, stride=1, padding=1))))
        return torch.concat(outs, dim=1)
