"""Wrong dense block: BN via F.batch_norm with training=False always (running stats even when
training): right in eval mode only.

Deserves: status wrong.
Feedback: training mode
"""

import torch
import torch.nn.functional as F
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.bns = nn.ModuleList(nn.BatchNorm2d(in_channels + i * num_channels) for i in range(num_convs))
        self.convs = nn.ModuleList(nn.Conv2d(in_channels + i * num_channels, num_channels, 3, padding=1)
                                   for i in range(num_convs))

    def forward(self, x):
        for bn, conv in zip(self.bns, self.convs):
            h = F.batch_norm(x, bn.running_mean, bn.running_var, bn.weight, bn.bias, False)
            x = torch.cat((x, conv(F.relu(h))), 1)
        return x
