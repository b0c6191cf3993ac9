"""Wrong VGG block: only the first conv is its own layer; convs 2..n all reuse one layer (the same
weights each time).
Deserves: status wrong.
Feedback: uses one layer twice
"""

import torch.nn.functional as F
from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        self.first = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.rest = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.n = num_convs

    def forward(self, x):
        x = F.relu(self.first(x))
        for _ in range(self.n - 1):
            x = F.relu(self.rest(x))
        return F.max_pool2d(x, 2)
