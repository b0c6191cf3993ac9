"""Wrong LeNet: an activation after every Linear, the last one included (sigmoid on the logits) —
written with a loop that adds Sigmoid after each layer.

Deserves: status wrong.
Feedback: Sigmoid
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2),
                  nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten()]
        for a, b in [(400, 120), (120, 84), (84, 10)]:
            layers += [nn.Linear(a, b), nn.Sigmoid()]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
