"""Wrong VGG block: sigmoid instead of ReLU.

Deserves: status wrong.
Feedback: yours Sigmoid, max pooling (2, stride 2)
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for i in range(num_convs):
            layers += [
                nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1),
                nn.Sigmoid(),
            ]
        self.body = nn.Sequential(*layers, nn.MaxPool2d(2, 2))

    def forward(self, x):
        return self.body(x)
