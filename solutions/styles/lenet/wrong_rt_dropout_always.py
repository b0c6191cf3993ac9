"""Wrong LeNet: F.dropout in forward with its default training=True, so it drops units in eval mode too.

Deserves: status wrong.
Feedback: Dropout
"""

import torch.nn.functional as F
from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(F.sigmoid(self.conv1(x)), 2)
        x = F.avg_pool2d(F.sigmoid(self.conv2(x)), 2)
        x = x.flatten(1)
        x = F.dropout(F.sigmoid(self.fc1(x)), 0.5)
        x = F.sigmoid(self.fc2(x))
        return self.fc3(x)
