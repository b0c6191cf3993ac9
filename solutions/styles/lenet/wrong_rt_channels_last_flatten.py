"""Wrong LeNet: flattens channels-last (x.permute(0, 2, 3, 1).reshape(n, -1), a Keras habit), so the
first Linear sees the features in another order.

Deserves: status wrong.
Feedback: fc1 gets the right values in another order
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2))
        self.head = nn.Sequential(nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))

    def forward(self, x):
        x = self.features(x)
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return self.head(x)
