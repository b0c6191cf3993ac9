"""The layer classes the zoo is built from: ``reference.nn``'s (reference ops, torch's parameter names).

A zoo model's ``state_dict`` therefore loads into the torch layout and back; torch supplies only the
containers.
"""

from __future__ import annotations

import torch

from cnngrade.reference.nn import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    ChannelShuffle,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    LocalResponseNorm,
    MaxPool2d,
    ReLU,
    Sigmoid,
    Tanh,
)

Module = torch.nn.Module
Sequential = torch.nn.Sequential
ModuleList = torch.nn.ModuleList

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BatchNorm2d",
    "ChannelShuffle",
    "Conv2d",
    "Dropout",
    "Flatten",
    "Linear",
    "LocalResponseNorm",
    "MaxPool2d",
    "Module",
    "ModuleList",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
]
