"""Right VGG block: every Conv2d/MaxPool2d argument spelled out (tuples), nn.ReLU(True), a function
returning the Sequential under the statement's class name via a subclass.

Deserves: full marks.
"""

from torch import nn


class VGGBlock(nn.Sequential):
    def __init__(self, num_convs, in_channels, out_channels):
        layers = []
        for i in range(num_convs):
            layers.append(nn.Conv2d(in_channels=in_channels if i == 0 else out_channels,
                                    out_channels=out_channels, kernel_size=(3, 3), stride=(1, 1),
                                    padding=(1, 1), dilation=1, groups=1, bias=True))
            layers.append(nn.ReLU(True))
        layers.append(nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=0, ceil_mode=False))
        super().__init__(*layers)
