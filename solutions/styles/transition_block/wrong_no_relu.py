"""Wrong transition block: no ReLU between BN and conv.

Deserves: status wrong.
Feedback: no activation between bn1 and conv1
"""

from torch import nn


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(2, 2),
    )
