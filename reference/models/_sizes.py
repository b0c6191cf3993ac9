"""Spatial size after a list of zoo layers, from ``reference.analysis.sizes`` (no magic numbers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from cnngrade.reference.analysis.sizes import conv_output_size, pool_output_size


def _first(value: int | tuple[int, ...]) -> int:
    return value[0] if isinstance(value, tuple) else value


def size_after(size: int, layers: Iterable[Any]) -> int:
    """Side length of a square map of side ``size`` after ``layers`` (convs, pools, anything else kept).

    >>> from reference.models._layers import Conv2d, MaxPool2d
    >>> size_after(28, [Conv2d(1, 6, 5, padding=2), MaxPool2d(2)])
    14
    """
    for layer in layers:
        if isinstance(layer, torch.nn.Sequential):
            size = size_after(size, layer)
        elif hasattr(layer, "output_size"):  # adaptive pooling
            size = _first(layer.output_size)
        elif hasattr(layer, "weight") and hasattr(layer, "kernel_size"):  # convolution
            size = conv_output_size(
                size,
                _first(layer.kernel_size),
                _first(layer.stride),
                _first(layer.padding),
                _first(layer.dilation),
            )
        elif hasattr(layer, "kernel_size"):  # pooling
            size = pool_output_size(
                size,
                _first(layer.kernel_size),
                _first(layer.stride),
                _first(layer.padding),
                _first(getattr(layer, "dilation", 1)),
                bool(getattr(layer, "ceil_mode", False)),
            )
    return size
