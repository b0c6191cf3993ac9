"""Right dense block (paper layout): an nn.Sequential subclass (torchvision's _DenseBlock idea) with
`growth_rate` naming, outputs gathered in a list and concatenated as [x] + outs at the end.

Deserves: full marks.
"""

import torch
from torch import nn


class DenseBlock(nn.Sequential):
    def __init__(self, num_layers, num_input_features, growth_rate):
        super().__init__()
        for i in range(num_layers):
            c = num_input_features + i * growth_rate
            self.add_module(f"denselayer{i + 1}", nn.Sequential(
                nn.BatchNorm2d(c), nn.ReLU(inplace=True), nn.Conv2d(c, growth_rate, 3, padding=1, bias=False)))

    def forward(self, x):
        outs = []
        for layer in self:
            outs.append(layer(torch.cat([x] + outs, 1)))
        return torch.cat([x] + outs, 1)
