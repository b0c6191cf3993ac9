"""Wrong dense block: BatchNorm2d(c, track_running_stats=False): eval mode normalizes with the batch's
statistics too.

Deserves: status wrong.
Feedback: track_running_stats=False
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(in_channels + i * num_channels, track_running_stats=False), nn.ReLU(),
                          nn.Conv2d(in_channels + i * num_channels, num_channels, 3, padding=1))
            for i in range(num_convs))

    def forward(self, x):
        for blk in self.net:
            x = torch.cat((x, blk(x)), 1)
        return x
