"""Wrong VGG block: 5x5 convolutions (padding 2) instead of 3x3.

Deserves: status wrong.
Feedback: missing Conv2d(3, 8, 3x3), extra Conv2d(3, 8, 5x5)
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for i in range(num_convs):
            layers += [
                nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 5, padding=2),
                nn.ReLU(),
            ]
        self.body = nn.Sequential(*layers, nn.MaxPool2d(2, 2))

    def forward(self, x):
        return self.body(x)
