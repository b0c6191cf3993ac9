"""Wrong VGG block: pooling with AdaptiveMaxPool2d(4), right only for 8x8 inputs.

Deserves: status shape.
Feedback: on input 2 the output shape is
Feedback: output shape
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU()]
            in_channels = out_channels
        layers.append(nn.AdaptiveMaxPool2d(4))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
