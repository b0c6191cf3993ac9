"""Wrong transition block: the downsampling done twice: stride 2 on the 1x1 conv and the pooling.

Deserves: status shape.
Feedback: stride 2
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1, stride=2),
        nn.AvgPool2d(kernel_size=2, stride=2))
