"""Right residual block, d2l layout: main path as an nn.Sequential built from a list, shortcut as a
ModuleList that may be empty, the sum with `sum([...])`.

Deserves: full marks.
"""

from torch import nn


class Residual(nn.Module):
    def __init__(self, a, b, use_1x1conv=False, stride=1):
        super().__init__()
        layers = [nn.Conv2d(a, b, 3, padding=1, stride=stride), nn.BatchNorm2d(b), nn.ReLU(),
                  nn.Conv2d(b, b, 3, padding=1), nn.BatchNorm2d(b)]
        self.body = nn.Sequential(*layers)
        self.short = nn.ModuleList([nn.Conv2d(a, b, 1, stride=stride)] if use_1x1conv else [])
        self.out_act = nn.ReLU()

    def forward(self, x):
        s = x
        for m in self.short:
            s = m(s)
        return self.out_act(sum([self.body(x), s]))
