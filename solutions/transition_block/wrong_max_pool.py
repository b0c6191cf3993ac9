"""Wrong transition block: max pooling instead of average pooling.

Deserves: status wrong.
Feedback: the reference applies average pooling (2, stride 2), yours max pooling (2, stride 2)
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels),
        nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1, bias=False),
        nn.MaxPool2d(kernel_size=2, stride=2),
    )
