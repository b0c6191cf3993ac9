"""Wrong residual block: forward reassigns `x` along the main path, so the shortcut adds conv1's
activation instead of the block input (and the 1x1 conv reads it too).

Deserves: status wrong.
Feedback: yours ReLU(bn2 + ReLU(bn1))
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
        self.conv3 = nn.Conv2d(out_channels, out_channels, 1) if use_1x1conv else None

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(x))
        if self.conv3 is not None:
            x = self.conv3(x)
        out += x
        return self.relu(out)
