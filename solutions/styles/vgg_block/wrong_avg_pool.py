"""Wrong VGG block: average pooling instead of max pooling.

Deserves: status wrong.
Feedback: the reference applies ReLU, max pooling (2, stride 2), yours ReLU, average pooling (2, stride 2)
"""

from torch import nn


def VGGBlock(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.AvgPool2d(2, 2))
