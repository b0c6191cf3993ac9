"""Wrong Inception block: no ReLU after the 1x1 reductions of paths 2 and 3.

Deserves: status wrong.
Feedback: no activation between conv2 and conv3
"""

import torch
from torch import nn
from torch.nn import functional as F


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.p1 = nn.Conv2d(in_channels, c1, 1)
        self.p2a, self.p2b = nn.Conv2d(in_channels, c2[0], 1), nn.Conv2d(c2[0], c2[1], 3, padding=1)
        self.p3a, self.p3b = nn.Conv2d(in_channels, c3[0], 1), nn.Conv2d(c3[0], c3[1], 5, padding=2)
        self.p4 = nn.Conv2d(in_channels, c4, 1)

    def forward(self, x):
        p1 = F.relu(self.p1(x))
        p2 = F.relu(self.p2b(self.p2a(x)))
        p3 = F.relu(self.p3b(self.p3a(x)))
        p4 = F.relu(self.p4(F.max_pool2d(x, 3, 1, 1)))
        return torch.cat((p1, p2, p3, p4), dim=1)
