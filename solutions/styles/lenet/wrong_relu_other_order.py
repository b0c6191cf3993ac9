"""Wrong LeNet: ReLU, with the layers created in another order (fully connected first).

Deserves: status wrong.
Feedback: outputs agree through conv1; after it the reference applies Sigmoid, average pooling (2, stride 2), yours ReLU
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.classifier = nn.Sequential(
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)
        )
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2),
            nn.ReLU(),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5),
            nn.ReLU(),
            nn.AvgPool2d(2),
        )

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))
