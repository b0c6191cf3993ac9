"""Wrong VGG block: a max pool after EVERY conv instead of once at the end.

Deserves: status shape.
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [
                nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2, 2),
            ]
            in_channels = out_channels
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
