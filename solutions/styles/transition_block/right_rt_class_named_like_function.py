"""Right transition block: a class that is itself named transition_block (an nn.Sequential subclass).

Deserves: full marks.
"""

from torch import nn


class transition_block(nn.Sequential):  # noqa: N801 - the statement's name
    def __init__(self, in_channels, num_channels):
        super().__init__(nn.BatchNorm2d(in_channels), nn.ReLU(), nn.Conv2d(in_channels, num_channels, 1),
                         nn.AvgPool2d(2, 2))
