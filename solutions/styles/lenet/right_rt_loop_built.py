"""Right LeNet: the conv stages and the dense stages built in loops from lists of sizes.

Deserves: full marks.
"""

from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        layers = []
        for cin, cout, pad in [(1, 6, 2), (6, 16, 0)]:
            layers += [nn.Conv2d(cin, cout, 5, padding=pad), nn.Sigmoid(), nn.AvgPool2d(2)]
        layers.append(nn.Flatten())
        sizes = [400, 120, 84, 10]
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(nn.Sigmoid())
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)
