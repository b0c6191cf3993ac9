"""Right residual block, d2l layout, written with tensor methods: x.relu(), .add_(), keyword-only extra
with a default, an unused Dropout kept from an experiment.

Deserves: full marks.
"""

from torch import nn


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1, *, p_drop=0.0):
        super().__init__()
        self.c1 = nn.Conv2d(input_channels, num_channels, 3, strides, 1)
        self.c2 = nn.Conv2d(num_channels, num_channels, 3, 1, 1)
        self.b1 = nn.BatchNorm2d(num_channels)
        self.b2 = nn.BatchNorm2d(num_channels)
        self.c3 = nn.Conv2d(input_channels, num_channels, 1, strides) if use_1x1conv else None
        self.unused_dropout = nn.Dropout(p_drop)

    def forward(self, x):
        y = self.b1(self.c1(x)).relu()
        y = self.b2(self.c2(y))
        s = x if self.c3 is None else self.c3(x)
        return y.add_(s).relu()
