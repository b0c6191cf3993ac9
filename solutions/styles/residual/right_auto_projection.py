"""Right residual block: projects whenever asked or needed, functional in-place ReLU on the sum (paper)."""

from torch import nn
from torch.nn import functional as F


class Residual(nn.Module):
    def __init__(self, cin, cout, use_1x1conv=False, stride=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
            nn.BatchNorm2d(cout),
        )
        self.skip = None
        if use_1x1conv or cin != cout or stride != 1:
            self.skip = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x):
        skip = x if self.skip is None else self.skip(x)
        return F.relu(self.body(x) + skip, inplace=True)
