"""Wrong residual block: paper's bias-free convs, but d2l's 1x1 shortcut without BN (a mix of the two
conventions: each is accepted alone).

Deserves: status wrong.
Feedback: against paper: missing BatchNorm2d(6)
"""

from torch import nn
from torch.nn import functional as F


class Residual(nn.Module):
    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv3 = (
            nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
            if use_1x1conv
            else None
        )

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.conv3 is None else self.conv3(x)))
