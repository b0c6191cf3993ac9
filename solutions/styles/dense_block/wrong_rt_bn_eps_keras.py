"""Wrong dense block: BatchNorm2d(c, eps=1e-3), copied from a TensorFlow tutorial (PyTorch: 1e-5).

Deserves: status wrong.
Feedback: eps 0.001
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(in_channels + i * num_channels, eps=1e-3), nn.ReLU(),
                          nn.Conv2d(in_channels + i * num_channels, num_channels, 3, padding=1))
            for i in range(num_convs))

    def forward(self, x):
        for blk in self.net:
            x = torch.cat((x, blk(x)), 1)
        return x
