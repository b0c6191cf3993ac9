"""Wrong VGG block: no ReLU after the convolutions.

Deserves: status wrong.
Feedback: no activation after conv1: the reference applies ReLU, max pooling (2, stride 2), yours max pooling (2, stride 2)
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for i in range(num_convs):
            layers += [
                nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1),
                nn.Identity(),
            ]
        self.body = nn.Sequential(*layers, nn.MaxPool2d(2, 2))

    def forward(self, x):
        return self.body(x)
