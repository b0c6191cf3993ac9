"""Wrong VGG block: 1x1 convs (kernel_size=1, padding 0) instead of 3x3.

Deserves: status wrong.
Feedback: 1x1
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, 1), nn.ReLU()]
            in_channels = out_channels
        layers.append(nn.MaxPool2d(2, 2))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
