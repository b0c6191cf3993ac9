"""Right dense block: BN -> ReLU -> conv with the conv bias kept, as d2l writes conv_block (d2l convention)."""

import torch
from torch import nn


def conv_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels),
        nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1),
    )


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            conv_block(in_channels + i * num_channels, num_channels) for i in range(num_convs)
        )

    def forward(self, x):
        for block in self.net:
            x = torch.cat((x, block(x)), dim=1)
        return x
