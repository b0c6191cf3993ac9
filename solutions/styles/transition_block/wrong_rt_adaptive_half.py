"""Wrong transition block: F.adaptive_avg_pool2d to half the size: the same as AvgPool2d(2, 2) on even
sizes only (on 7x5 its windows overlap and cover the last row and column).

Deserves: status wrong.
Feedback: but differ on input 2
"""

import torch.nn.functional as F
from torch import nn


class T(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.f = nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, cout, 1))

    def forward(self, x):
        h = self.f(x)
        return F.adaptive_avg_pool2d(h, (h.shape[2] // 2, h.shape[3] // 2))


def transition_block(in_channels, num_channels):
    return T(in_channels, num_channels)
