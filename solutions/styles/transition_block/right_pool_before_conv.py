"""Right transition block: average pooling before the 1x1 conv (both are linear per pixel: the same
function, four times cheaper). Paper convention.
"""

from torch import nn


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Conv2d(input_channels, num_channels, 1, bias=False),
    )
