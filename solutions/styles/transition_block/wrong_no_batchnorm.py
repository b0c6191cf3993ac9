"""Wrong transition block: forgets the BatchNorm (ReLU, conv, pool only).

Deserves: status wrong.
Feedback: missing BatchNorm2d(6)
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.ReLU(), nn.Conv2d(in_channels, num_channels, 1, bias=False), nn.AvgPool2d(2, 2)
    )
