"""Wrong transition block: BatchNorm2d(in_channels, momentum=0.99) (a TensorFlow habit): outputs agree,
the running statistics a training step leaves do not.

Deserves: status wrong.
Feedback: bn1 uses momentum 0.99, the reference 0.1
"""

from torch import nn


def transition_block(in_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(in_channels, momentum=0.99), nn.ReLU(),
        nn.Conv2d(in_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))
