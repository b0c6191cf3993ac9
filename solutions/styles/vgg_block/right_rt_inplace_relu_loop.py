"""Right VGG block: nn.Sequential built in a loop with nn.ReLU(inplace=True), `super(VGGBlock, self)`,
the pool stride left to its default.

Deserves: full marks.
"""

import torch.nn as nn


class VGGBlock(nn.Module):
    def __init__(self, n, cin, cout):
        super(VGGBlock, self).__init__()
        seq = nn.Sequential()
        for i in range(n):
            seq.add_module(f"conv{i}", nn.Conv2d(cin if i == 0 else cout, cout, 3, 1, 1))
            seq.add_module(f"relu{i}", nn.ReLU(inplace=True))
        seq.add_module("pool", nn.MaxPool2d(2))
        self.block = seq

    def forward(self, x):
        return self.block(x)
