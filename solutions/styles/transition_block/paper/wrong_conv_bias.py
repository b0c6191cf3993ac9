"""Wrong under `convention: paper`: the 1x1 conv keeps its bias.

Deserves: status wrong.
Feedback: your convolutions have a bias where the reference's have none
"""

from torch import nn


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(2, 2),
    )
