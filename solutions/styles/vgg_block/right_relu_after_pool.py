"""Right VGG block: the last ReLU after the max pool (max pooling and ReLU commute: same function)."""

from torch import nn
from torch.nn import functional as F


class VGGBlock(nn.Module):
    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1)
            for i in range(num_convs)
        )

    def forward(self, x):
        for conv in self.convs[:-1]:
            x = F.relu(conv(x), inplace=True)
        return F.relu(F.max_pool2d(self.convs[-1](x), 2))
