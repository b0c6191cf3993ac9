"""Wrong transition block: BatchNorm2d(affine=False): no learnable scale and shift.

Deserves: status wrong.
Feedback: extra BatchNorm2d(6, affine=False)
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels, affine=False), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))
