"""Wrong residual block: `identity = x`, then an in-place ReLU applied to x itself before conv1
(nn.ReLU(inplace=True) reused), so the shortcut carries relu(x), not x.

Deserves: status wrong.
Feedback: outputs agree through the input; after it the reference applies nothing, yours ReLU
"""

import torch.nn as nn


class Residual(nn.Module):
    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1, stride) if use_1x1conv else None

    def forward(self, x):
        identity = x
        out = self.bn1(self.conv1(self.relu(x)))
        out = self.bn2(self.conv2(self.relu(out)))
        if self.conv3 is not None:
            identity = self.conv3(x)
        return self.relu(out + identity)
