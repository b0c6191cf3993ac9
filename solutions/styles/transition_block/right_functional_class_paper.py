"""Right transition block: a class with F.relu and F.avg_pool2d, no conv bias (paper)."""

from torch import nn
from torch.nn import functional as F


class Transition(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.norm = nn.BatchNorm2d(c_in)
        self.conv = nn.Conv2d(c_in, c_out, kernel_size=1, bias=False)

    def forward(self, x):
        return F.avg_pool2d(self.conv(F.relu(self.norm(x))), kernel_size=2, stride=2)


def transition_block(in_channels, num_channels):
    return Transition(in_channels, num_channels)
