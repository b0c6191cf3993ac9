"""Wrong LeNet: AvgPool2d(2, stride=1) and a first Linear sized to fit (16*9*9 after 2 convs).

Deserves: status wrong.
Feedback: extra Linear(7744, 120)
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, stride=1),
            nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, stride=1), nn.Flatten(),
            nn.Linear(16 * 22 * 22, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10),
        )

    def forward(self, x):
        return self.net(x)
