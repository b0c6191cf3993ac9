"""Inception with one nn.Sequential per path (nn.ReLU modules), other names, torch.cat on a list.

Deserves: full marks.
"""

import torch
from torch import nn


def conv_relu(cin, cout, k, p=0):
    return [nn.Conv2d(cin, cout, kernel_size=k, padding=p), nn.ReLU(inplace=True)]


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.branch1 = nn.Sequential(*conv_relu(in_channels, c1, 1))
        self.branch2 = nn.Sequential(
            *conv_relu(in_channels, c2[0], 1), *conv_relu(c2[0], c2[1], 3, 1)
        )
        self.branch3 = nn.Sequential(
            *conv_relu(in_channels, c3[0], 1), *conv_relu(c3[0], c3[1], 5, 2)
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1), *conv_relu(in_channels, c4, 1)
        )

    def forward(self, x):
        outs = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return torch.cat(outs, 1)
