"""Wrong transition block: max pooling instead of average pooling.

Deserves: status wrong.
Feedback: max pooling
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1),
        nn.MaxPool2d(kernel_size=2, stride=2))
