"""Right dense block (paper layout): BN and conv layers in two ModuleLists, F.relu between them,
features collected in a list and concatenated each step; `super(DenseBlock, self).__init__()`.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, n, c_in, k):
        super(DenseBlock, self).__init__()
        self.norms = nn.ModuleList([nn.BatchNorm2d(c_in + i * k) for i in range(n)])
        self.convs = nn.ModuleList([nn.Conv2d(c_in + i * k, k, 3, 1, 1, bias=False) for i in range(n)])

    def forward(self, x):
        feats = [x]
        for bn, conv in zip(self.norms, self.convs):
            h = torch.cat(feats, 1)
            feats.append(conv(F.relu(bn(h))))
        return torch.cat(feats, 1)
