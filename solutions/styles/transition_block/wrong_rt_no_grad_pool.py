"""Wrong transition block: the pooling run under torch.no_grad() ("pooling has no weights"), which
cuts the gradient of the whole block.

Deserves: status wrong.
Feedback: torch.no_grad()
"""

import torch
import torch.nn.functional as F
from torch import nn


class Transition(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.bn = nn.BatchNorm2d(cin)
        self.conv = nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        h = self.conv(F.relu(self.bn(x)))
        with torch.no_grad():
            return F.avg_pool2d(h, 2)


def transition_block(in_channels, num_channels):
    return Transition(in_channels, num_channels)
