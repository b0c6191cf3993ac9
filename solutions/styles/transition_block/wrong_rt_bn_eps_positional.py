"""Wrong transition block: BatchNorm2d(in_channels, 0.9) — the second positional argument is eps,
not momentum: eps=0.9.

Deserves: status wrong.
Feedback: eps 0.9
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels, 0.9), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))
