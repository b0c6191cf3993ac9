"""Wrong transition block: ReLU before BN.

Deserves: status wrong.
Feedback: the reference applies nothing, yours ReLU
"""

from torch import nn


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.ReLU(),
        nn.BatchNorm2d(input_channels),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(2, 2),
    )
