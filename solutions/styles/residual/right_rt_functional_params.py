"""Right residual block written with its own nn.Parameters and F.conv2d / F.batch_norm (training flag
from self.training, running stats as buffers), paper layout with a BN on the projection.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class _BN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.register_buffer("running_mean", torch.zeros(c))
        self.register_buffer("running_var", torch.ones(c))

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            training=self.training, momentum=0.1, eps=1e-5)


class Residual(nn.Module):
    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.stride = stride
        self.w1 = nn.Parameter(torch.randn(out_channels, in_channels, 3, 3) * 0.1)
        self.w2 = nn.Parameter(torch.randn(out_channels, out_channels, 3, 3) * 0.1)
        self.bn1, self.bn2 = _BN(out_channels), _BN(out_channels)
        self.w3 = nn.Parameter(torch.randn(out_channels, in_channels, 1, 1)) if use_1x1conv else None
        self.bn3 = _BN(out_channels) if use_1x1conv else None

    def forward(self, x):
        y = F.relu(self.bn1(F.conv2d(x, self.w1, stride=self.stride, padding=1)))
        y = self.bn2(F.conv2d(y, self.w2, padding=1))
        if self.w3 is not None:
            x = self.bn3(F.conv2d(x, self.w3, stride=self.stride))
        return F.relu(y + x)
