"""Right residual block: `super(Residual, self).__init__()`, other argument names, nn.ReLU(inplace=True),
an nn.Identity shortcut, paper layout (no conv bias, BN on the projection).

Deserves: full marks.
"""

import torch.nn as nn


class Residual(nn.Module):
    def __init__(self, inp, outp, use_1x1conv=False, stride=1):
        super(Residual, self).__init__()
        self.conv1 = nn.Conv2d(inp, outp, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(outp)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(outp, outp, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(outp)
        if use_1x1conv:
            self.shortcut = nn.Sequential(
                nn.Conv2d(inp, outp, kernel_size=1, stride=stride, bias=False), nn.BatchNorm2d(outp)
            )
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = self.relu(out)
        return out
