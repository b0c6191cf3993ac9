"""Wrong LeNet: the dense layers 400 -> 128 -> 64 -> 10 (PyTorch tutorial widths), not 120/84.

Deserves: status wrong.
Feedback: Linear(400, 120)
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
            nn.Linear(400, 128), nn.Sigmoid(), nn.Linear(128, 64), nn.Sigmoid(), nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.net(x)
