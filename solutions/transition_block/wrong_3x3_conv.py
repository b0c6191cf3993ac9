"""Wrong transition block: a 3x3 conv (padding 1) instead of 1x1.

Deserves: status wrong.
Feedback: against paper: missing Conv2d(6, 3, 1x1), extra Conv2d(6, 3, 3x3)
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels),
        nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1, bias=False),
        nn.AvgPool2d(kernel_size=2, stride=2),
    )
