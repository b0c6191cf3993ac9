"""Right LeNet: torch.sigmoid and F.avg_pool2d in forward, x.view(x.size(0), -1), the input reshaped
to (-1, 1, 28, 28) first (a d2l habit), an unused dropout kept.

Deserves: full marks.
"""

import torch
import torch.nn.functional as F
from torch import nn


class LeNet(nn.Module):
    def __init__(self, num_classes=10, *, dropout=0.0):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = x.view(-1, 1, 28, 28)
        x = F.avg_pool2d(torch.sigmoid(self.conv1(x)), 2)
        x = F.avg_pool2d(torch.sigmoid(self.conv2(x)), (2, 2))
        x = x.view(x.size(0), -1)
        x = torch.sigmoid(self.fc1(x))
        x = torch.sigmoid(self.fc2(x))
        return self.fc3(x)
