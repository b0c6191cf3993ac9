"""Right dense block: torchvision-like (features list concatenated before each layer, no conv bias; paper)."""

import torch
from torch import nn
from torch.nn import functional as F


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, growth_rate):
        super().__init__()
        self.norms = nn.ModuleList(
            nn.BatchNorm2d(in_channels + i * growth_rate) for i in range(num_convs)
        )
        self.convs = nn.ModuleList(
            nn.Conv2d(in_channels + i * growth_rate, growth_rate, 3, padding=1, bias=False)
            for i in range(num_convs)
        )

    def forward(self, x):
        features = [x]
        for norm, conv in zip(self.norms, self.convs):
            features.append(conv(F.relu(norm(torch.cat(features, 1)))))
        return torch.cat(features, 1)
