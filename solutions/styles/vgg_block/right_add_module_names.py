"""VGGBlock registering layers with add_module under custom names, inplace ReLU.

Deserves: full marks.
"""

from torch import nn


class VGGBlock(nn.Sequential):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        for k in range(num_convs):
            self.add_module(
                f"conv{k + 1}", nn.Conv2d(in_channels, out_channels, (3, 3), padding=(1, 1))
            )
            self.add_module(f"relu{k + 1}", nn.ReLU(inplace=True))
            in_channels = out_channels
        self.add_module("pool", nn.MaxPool2d(2))
