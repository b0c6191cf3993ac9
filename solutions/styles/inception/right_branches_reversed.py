"""Right Inception block: branches built and run from the pool path back to the 1x1 path, concatenated in
the statement's order; ReLU modules shared.
"""

import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.relu = nn.ReLU()
        self.pool_proj = nn.Sequential(
            nn.MaxPool2d(3, 1, 1), nn.Conv2d(in_channels, c4, 1), self.relu
        )
        self.b5 = nn.Sequential(
            nn.Conv2d(in_channels, c3[0], 1),
            self.relu,
            nn.Conv2d(c3[0], c3[1], 5, padding=2),
            self.relu,
        )
        self.b3 = nn.Sequential(
            nn.Conv2d(in_channels, c2[0], 1),
            self.relu,
            nn.Conv2d(c2[0], c2[1], 3, padding=1),
            self.relu,
        )
        self.b1 = nn.Sequential(nn.Conv2d(in_channels, c1, 1), self.relu)

    def forward(self, x):
        outs = [self.pool_proj(x), self.b5(x), self.b3(x), self.b1(x)]
        return torch.cat(outs[::-1], 1)
