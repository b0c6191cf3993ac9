"""Wrong VGG block: forgets the final max pooling.

Deserves: status shape.
Feedback: the reference applies ReLU, max pooling (2, stride 2), yours ReLU
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
            in_channels = out_channels
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
