"""Wrong dense block: each layer reads only the previous layer's output (a plain chain), and the
output concatenates the input with the last output.

Deserves: status exception.
"""

import torch
from torch import nn


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.layers = nn.ModuleList()
        for i in range(num_convs):
            self.layers.append(
                nn.Sequential(
                    nn.BatchNorm2d(in_channels + i * num_channels),
                    nn.ReLU(),
                    nn.Conv2d(
                        in_channels + i * num_channels, num_channels, 3, padding=1, bias=False
                    ),
                )
            )

    def forward(self, x):
        y = x
        for layer in self.layers:
            y = layer(y)
        return torch.cat([x, y], 1)
