"""Wrong LeNet: pooling before the sigmoid (pool, then activation): average pooling and a sigmoid
do not commute.

Deserves: status wrong.
Feedback: outputs agree through conv1
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.AvgPool2d(2, 2), nn.Sigmoid(),
            nn.Conv2d(6, 16, 5), nn.AvgPool2d(2, 2), nn.Sigmoid(), nn.Flatten(),
            nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10),
        )

    def forward(self, x):
        return self.net(x)
