"""Wrong VGG block: padding_mode='reflect' (the statement's padding is zeros).

Deserves: status wrong.
Feedback: an explicit pad (F.pad, or a padding_mode other than zeros)
"""

from torch import nn


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        layers = []
        for _ in range(num_convs):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1, padding_mode="reflect"), nn.ReLU()]
            in_channels = out_channels
        layers.append(nn.MaxPool2d(2, 2))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
