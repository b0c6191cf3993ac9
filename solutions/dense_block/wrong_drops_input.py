"""Wrong dense block: returns only the concatenation of the conv outputs, dropping the block input.

Deserves: status shape.
Feedback: the reference applies a concatenation of (input, conv1, conv2), yours a concatenation of (conv1, conv2)
"""

import torch
from torch import nn


def conv_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels),
        nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1, bias=False),
    )


class DenseBlock(nn.Module):
    def __init__(self, num_convs, in_channels, num_channels):
        super().__init__()
        self.net = nn.ModuleList(
            conv_block(in_channels + i * num_channels, num_channels) for i in range(num_convs)
        )

    def forward(self, x):
        outs = []
        for block in self.net:
            y = block(x)
            outs.append(y)
            x = torch.cat((x, y), dim=1)
        return torch.cat(outs, dim=1)  # BUG: the block input is not part of the output
