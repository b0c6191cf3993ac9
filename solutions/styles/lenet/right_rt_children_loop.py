"""Right LeNet: layers in a ModuleList walked in forward, with the flatten done by hand before the
first Linear.

Deserves: full marks.
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)])
        self.fcs = nn.ModuleList([nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)])
        self.act = nn.Sigmoid()
        self.pool = nn.AvgPool2d(2)

    def forward(self, x):
        for conv in self.convs:
            x = self.pool(self.act(conv(x)))
        x = x.reshape(x.shape[0], -1)
        for i, fc in enumerate(self.fcs):
            x = fc(x)
            if i < len(self.fcs) - 1:
                x = self.act(x)
        return x
