"""The layer classes the zoo is built from: ``reference.nn``'s, with torch.nn's for any not there yet.

``reference.nn`` layers run the reference functional ops and keep torch's parameter names, so a zoo
model's ``state_dict`` loads into the torch layout and back.
"""

from __future__ import annotations

import importlib
from typing import Any

import torch

try:
    _reference_nn: Any = importlib.import_module("reference.nn")
except ImportError:  # reference.nn not written yet: torch.nn stands in, same names and parameters
    _reference_nn = None


def _layer(name: str) -> Any:
    found = getattr(_reference_nn, name, None) if _reference_nn is not None else None
    return found if found is not None else getattr(torch.nn, name)


Module = torch.nn.Module
Sequential = torch.nn.Sequential
ModuleList = torch.nn.ModuleList
Conv2d = _layer("Conv2d")
BatchNorm2d = _layer("BatchNorm2d")
MaxPool2d = _layer("MaxPool2d")
AvgPool2d = _layer("AvgPool2d")
AdaptiveAvgPool2d = _layer("AdaptiveAvgPool2d")
LocalResponseNorm = _layer("LocalResponseNorm")
Linear = _layer("Linear")
Dropout = _layer("Dropout")
ReLU = _layer("ReLU")
Sigmoid = _layer("Sigmoid")
Tanh = _layer("Tanh")
Flatten = _layer("Flatten")
ChannelShuffle = _layer("ChannelShuffle")
