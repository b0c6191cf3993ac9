"""Residual that builds the projection shortcut BEFORE the main path and keeps layers in a
ModuleDict; torch.relu in forward.

Deserves: full marks.
"""

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.use_1x1conv = use_1x1conv
        layers = {}
        if use_1x1conv:
            layers["proj"] = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
            layers["proj_bn"] = nn.BatchNorm2d(out_channels)
        layers["a"] = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        layers["a_bn"] = nn.BatchNorm2d(out_channels)
        layers["b"] = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        layers["b_bn"] = nn.BatchNorm2d(out_channels)
        self.layers = nn.ModuleDict(layers)

    def forward(self, x):
        L = self.layers
        y = torch.relu(L["a_bn"](L["a"](x)))
        y = L["b_bn"](L["b"](y))
        shortcut = L["proj_bn"](L["proj"](x)) if self.use_1x1conv else x
        return torch.relu(y + shortcut)
