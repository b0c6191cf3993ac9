"""Wrong VGG block: dilation=2 with padding=2 (same size, a wider window).

Deserves: status wrong.
Feedback: conv1 uses padding 2, dilation 2; the reference padding 1, dilation 1
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=2, dilation=2), nn.ReLU()]
            in_channels = out_channels
        layers.append(nn.MaxPool2d(2, 2))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
