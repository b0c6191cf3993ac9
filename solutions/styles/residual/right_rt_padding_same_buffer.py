"""Right residual block: padding='same' on the stride-1 conv, a registered (unused) buffer, OrderedDict
Sequential for the main path, paper layout, torch.relu.

Deserves: full marks.
"""

from collections import OrderedDict

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, cin, cout, use_1x1conv=False, stride=1):
        super().__init__()
        self.register_buffer("calls", torch.zeros(()))
        self.main = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)),
            ("bn1", nn.BatchNorm2d(cout)),
            ("act", nn.ReLU()),
            ("conv2", nn.Conv2d(cout, cout, 3, padding="same", bias=False)),
            ("bn2", nn.BatchNorm2d(cout)),
        ]))
        self.proj = None
        if use_1x1conv:
            self.proj = nn.Sequential(OrderedDict([
                ("conv", nn.Conv2d(cin, cout, 1, stride=stride, bias=False)),
                ("bn", nn.BatchNorm2d(cout)),
            ]))

    def forward(self, x):
        identity = x if self.proj is None else self.proj(x)
        return torch.relu(self.main(x) + identity)
