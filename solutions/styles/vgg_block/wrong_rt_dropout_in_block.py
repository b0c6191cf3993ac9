"""Wrong VGG block: a Dropout(0.5) after each ReLU (VGG's dropout belongs to the classifier):
eval mode agrees, training mode does not.

Deserves: status wrong.
Feedback: Dropout
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU(), nn.Dropout(0.5)]
            in_channels = out_channels
        layers.append(nn.MaxPool2d(2, 2))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
