"""Right residual block: a ModuleDict, lazy layers without bias, BN on the 1x1 shortcut (paper convention)."""

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, c_in, c_out, use_1x1conv=False, stride=1):
        super().__init__()
        self.layers = nn.ModuleDict(
            {
                "bn2": nn.LazyBatchNorm2d(),
                "conv2": nn.LazyConv2d(c_out, 3, padding=1, bias=False),
                "bn1": nn.LazyBatchNorm2d(),
                "conv1": nn.LazyConv2d(c_out, 3, stride, 1, bias=False),
            }
        )
        self.proj = (
            nn.Sequential(nn.LazyConv2d(c_out, 1, stride, bias=False), nn.LazyBatchNorm2d())
            if use_1x1conv
            else nn.Identity()
        )

    def forward(self, x):
        L = self.layers
        y = L["bn2"](L["conv2"](torch.relu(L["bn1"](L["conv1"](x)))))
        return torch.relu(y + self.proj(x))
