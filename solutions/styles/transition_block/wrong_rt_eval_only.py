"""Wrong transition block: puts its BN in eval mode inside forward (`self.bn.eval()`), so training mode
normalizes with running statistics.

Deserves: status wrong.
Feedback: training mode
"""

import torch.nn.functional as F
from torch import nn


class T(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.bn = nn.BatchNorm2d(cin)
        self.conv = nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        self.bn.eval()
        return F.avg_pool2d(self.conv(F.relu(self.bn(x))), 2)


def transition_block(in_channels, num_channels):
    return T(in_channels, num_channels)
