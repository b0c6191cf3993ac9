"""Right Inception block: the pooling path pads with -inf by hand (F.pad) then max-pools without padding.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.p1 = nn.Conv2d(in_channels, c1, 1)
        self.p2a, self.p2b = nn.Conv2d(in_channels, c2[0], 1), nn.Conv2d(c2[0], c2[1], 3, padding=1)
        self.p3a, self.p3b = nn.Conv2d(in_channels, c3[0], 1), nn.Conv2d(c3[0], c3[1], 5, padding=2)
        self.p4 = nn.Conv2d(in_channels, c4, 1)

    def forward(self, x):
        pooled = F.max_pool2d(F.pad(x, (1, 1, 1, 1), value=float("-inf")), 3, stride=1)
        return torch.cat([F.relu(self.p1(x)), F.relu(self.p2b(F.relu(self.p2a(x)))),
                          F.relu(self.p3b(F.relu(self.p3a(x)))), F.relu(self.p4(pooled))], dim=1)
