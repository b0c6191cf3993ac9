"""Right LeNet: one nn.Sequential with OrderedDict names, padding='same' on the first conv,
nn.Flatten(start_dim=1).

Deserves: full marks.
"""

from collections import OrderedDict

import torch.nn as nn


class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        self.net = nn.Sequential(OrderedDict([
            ("c1", nn.Conv2d(1, 6, kernel_size=5, padding="same")),
            ("s1", nn.Sigmoid()),
            ("p1", nn.AvgPool2d(kernel_size=2, stride=2)),
            ("c3", nn.Conv2d(6, 16, kernel_size=5)),
            ("s3", nn.Sigmoid()),
            ("p3", nn.AvgPool2d(kernel_size=2, stride=2)),
            ("flat", nn.Flatten(start_dim=1)),
            ("f5", nn.Linear(16 * 5 * 5, 120)),
            ("s5", nn.Sigmoid()),
            ("f6", nn.Linear(120, 84)),
            ("s6", nn.Sigmoid()),
            ("out", nn.Linear(84, 10)),
        ]))

    def forward(self, x):
        return self.net(x)
