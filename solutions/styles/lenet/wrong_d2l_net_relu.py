"""Wrong LeNet: d2l's module-level `net` typed with ReLU instead of Sigmoid.

Deserves: status wrong.
Feedback: outputs agree through conv1; after it the reference applies Sigmoid
Feedback: yours ReLU
"""

from torch import nn

net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
    nn.Linear(120, 84), nn.ReLU(),
    nn.Linear(84, 10))
