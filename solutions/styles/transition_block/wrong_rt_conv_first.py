"""Wrong transition block: Conv, BN, ReLU, pool (post-activation order).

Deserves: status wrong.
Feedback: BatchNorm2d
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.Conv2d(in_channels, num_channels, kernel_size=1),
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.AvgPool2d(kernel_size=2, stride=2))
