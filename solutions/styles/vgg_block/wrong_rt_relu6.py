"""Wrong VGG block: ReLU6 (MobileNet's activation) instead of ReLU.

Deserves: status wrong.
Feedback: your Hardtanh (nn.ReLU6 is one) departs from the reference's ReLU
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU6()]
            in_channels = out_channels
        layers.append(nn.MaxPool2d(2, 2))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
