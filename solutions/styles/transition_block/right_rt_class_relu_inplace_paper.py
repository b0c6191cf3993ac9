"""Right transition block: a class with ReLU(inplace=True), paper layout (bias=False), returned by the
function; pool written with F.avg_pool2d(x, kernel_size=2).

Deserves: full marks.
"""

import torch.nn.functional as F
from torch import nn


class Transition(nn.Module):
    def __init__(self, cin, cout):
        super(Transition, self).__init__()
        self.norm = nn.BatchNorm2d(cin)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(cin, cout, kernel_size=1, stride=1, bias=False)

    def forward(self, x):
        return F.avg_pool2d(self.conv(self.relu(self.norm(x))), kernel_size=2)


def transition_block(in_channels, num_channels):
    return Transition(in_channels, num_channels)
