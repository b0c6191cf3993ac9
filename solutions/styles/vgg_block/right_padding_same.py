"""Right VGG block: padding='same', in-place ReLU modules, nn.MaxPool2d(2) (stride defaults to the kernel)."""

from torch import nn


class VGGBlock(nn.Sequential):
    def __init__(self, num_convs, in_channels, out_channels):
        layers = []
        for i in range(num_convs):
            layers += [
                nn.Conv2d(out_channels if i else in_channels, out_channels, 3, padding="same"),
                nn.ReLU(inplace=True),
            ]
        super().__init__(*layers, nn.MaxPool2d(2))
