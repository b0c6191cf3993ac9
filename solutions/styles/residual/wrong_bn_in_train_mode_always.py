"""Wrong residual block: calls F.batch_norm with training=True, so eval mode still uses batch statistics.

Deserves: status wrong.
Feedback: in eval mode your bn1 normalizes with batch statistics
"""

from torch import nn
from torch.nn import functional as F


class Residual(nn.Module):
    def __init__(self, in_channels, out_channels, use_1x1conv=False, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1, stride=stride) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def _bn(self, bn, y):
        return F.batch_norm(y, bn.running_mean, bn.running_var, bn.weight, bn.bias, training=True)

    def forward(self, X):
        Y = F.relu(self._bn(self.bn1, self.conv1(X)))
        Y = self._bn(self.bn2, self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        return F.relu(Y + X)
