"""Wrong dense block: adds the new features to a running sum instead of concatenating (ResNet-style).

Deserves: status exception.
"""

from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            nn.Sequential(
                nn.BatchNorm2d(in_channels),
                nn.ReLU(),
                nn.Conv2d(in_channels, num_channels, 3, padding=1),
            )
            for _ in range(num_convs)
        )

    def forward(self, X):
        for blk in self.net:
            X = X + blk(X)
        return X
