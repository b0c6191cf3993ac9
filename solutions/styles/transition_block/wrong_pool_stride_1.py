"""Wrong transition block: average pooling with stride 1 (no downsampling).

Deserves: status shape.
Feedback: yours average pooling (2, stride 1)
"""

from torch import nn


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(2, stride=1),
    )
