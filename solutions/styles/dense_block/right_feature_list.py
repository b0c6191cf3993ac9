"""DenseBlock keeping a list of features and concatenating it before each layer (torchvision's
_DenseLayer idea); separate BN / conv ModuleLists; F.relu.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        widths = [in_channels + k * num_channels for k in range(num_convs)]
        self.norms = nn.ModuleList(nn.BatchNorm2d(c) for c in widths)
        self.convs = nn.ModuleList(
            nn.Conv2d(c, num_channels, 3, padding=1, bias=False) for c in widths
        )

    def forward(self, x):
        features = [x]
        for norm, conv in zip(self.norms, self.convs):
            features.append(conv(F.relu(norm(torch.cat(features, 1)))))
        return torch.cat(features, 1)
