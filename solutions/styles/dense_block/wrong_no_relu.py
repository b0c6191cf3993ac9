"""Wrong dense block: BN then conv, no ReLU.

Deserves: status wrong.
Feedback: no activation between bn1 and conv1
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            nn.Sequential(
                nn.BatchNorm2d(in_channels + i * num_channels),
                nn.Conv2d(in_channels + i * num_channels, num_channels, 3, padding=1),
            )
            for i in range(num_convs)
        )

    def forward(self, X):
        for blk in self.net:
            X = torch.cat((X, blk(X)), dim=1)
        return X
