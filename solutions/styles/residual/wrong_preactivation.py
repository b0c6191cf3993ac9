"""Wrong residual block: the pre-activation order (BN, ReLU, conv) of ResNet v2, not the course's block.

Deserves: status wrong.
Feedback: conv1 reads the input in the reference (then nothing); yours reads bn1 (then ReLU)
"""

from torch import nn
from torch.nn import functional as F


class Residual(nn.Module):
    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.proj = (
            nn.Conv2d(in_channels, out_channels, 1, stride, bias=False) if use_1x1conv else None
        )

    def forward(self, x):
        y = self.conv1(F.relu(self.bn1(x)))
        y = self.conv2(F.relu(self.bn2(y)))
        return y + (x if self.proj is None else self.proj(x))
