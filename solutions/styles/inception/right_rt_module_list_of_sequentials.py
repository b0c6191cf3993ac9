"""Right Inception block: the four paths in an nn.ModuleList of nn.Sequential with ReLU(inplace=True),
padding='same' on the 3x3 and 5x5 convs; channel sizes unpacked from the pairs.

Deserves: full marks.
"""

import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_ch, ch1x1, ch3x3, ch5x5, pool_proj):
        super(Inception, self).__init__()
        red3, out3 = ch3x3
        red5, out5 = ch5x5
        self.paths = nn.ModuleList([
            nn.Sequential(nn.Conv2d(in_ch, ch1x1, 1), nn.ReLU(inplace=True)),
            nn.Sequential(nn.Conv2d(in_ch, red3, 1), nn.ReLU(inplace=True),
                          nn.Conv2d(red3, out3, 3, padding="same"), nn.ReLU(inplace=True)),
            nn.Sequential(nn.Conv2d(in_ch, red5, 1), nn.ReLU(inplace=True),
                          nn.Conv2d(red5, out5, 5, padding="same"), nn.ReLU(inplace=True)),
            nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(in_ch, pool_proj, 1), nn.ReLU(inplace=True)),
        ])

    def forward(self, x):
        return torch.cat([p(x) for p in self.paths], 1)
