"""Right Inception block: the pooling path computed first, then path 3, path 1, path 2, concatenated in
the statement's order; layers created in yet another order; x.relu() / torch.relu.

Deserves: full marks.
"""

import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, c4, kernel_size=1)
        self.conv5 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.conv3 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.red5 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.red3 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.conv1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.pool = nn.MaxPool2d(3, stride=1, padding=1)

    def forward(self, x):
        d = self.proj(self.pool(x)).relu()
        c = torch.relu(self.conv5(self.red5(x).relu()))
        a = self.conv1(x).relu()
        b = torch.relu(self.conv3(torch.relu(self.red3(x))))
        return torch.cat((a, b, c, d), dim=1)
