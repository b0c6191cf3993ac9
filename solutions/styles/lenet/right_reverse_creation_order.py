"""Right LeNet: layers created last to first, pooling and sigmoid as functions, view to flatten."""

import torch
from torch import nn
from torch.nn import functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(84, 10)
        self.hidden2 = nn.Linear(120, 84)
        self.hidden1 = nn.Linear(400, 120)
        self.c2 = nn.Conv2d(6, 16, 5)
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)

    def forward(self, x):
        x = F.avg_pool2d(torch.sigmoid(self.c1(x)), 2)
        x = F.avg_pool2d(torch.sigmoid(self.c2(x)), kernel_size=2, stride=2)
        x = x.view(x.size(0), -1)
        x = torch.sigmoid(self.hidden1(x))
        x = torch.sigmoid(self.hidden2(x))
        return self.out(x)
