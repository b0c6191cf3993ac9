"""Wrong VGG block: MaxPool2d(2, 2, ceil_mode=True): odd sizes round up (7x9 -> 4x5, not 3x4).

Deserves: status shape.
Feedback: max pooling (2, stride 2, ceil_mode)
Feedback: output shape (1, 6, 4, 5), expected (1, 6, 3, 4)
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU()]
            in_channels = out_channels
        layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
