"""Wrong Inception block: a BatchNorm after every conv (Inception-v2 style), not in the statement.

Deserves: status wrong.
Feedback: extra BatchNorm2d
"""

import torch
from torch import nn


def cbr(cin, cout, k, p=0):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=p), nn.BatchNorm2d(cout), nn.ReLU())


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.b1 = cbr(in_channels, c1, 1)
        self.b2 = nn.Sequential(cbr(in_channels, c2[0], 1), cbr(c2[0], c2[1], 3, 1))
        self.b3 = nn.Sequential(cbr(in_channels, c3[0], 1), cbr(c3[0], c3[1], 5, 2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), cbr(in_channels, c4, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)
