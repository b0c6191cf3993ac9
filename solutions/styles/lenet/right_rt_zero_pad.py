"""Right LeNet: nn.ZeroPad2d(2) before a conv without padding.

Deserves: full marks.
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ZeroPad2d(2), nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
            nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10),
        )

    def forward(self, x):
        return self.net(x)
