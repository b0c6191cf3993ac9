"""Activation functions, each written as its formula (torch's definitions).

All are elementwise except :func:`softmax`; all keep the input's shape, device and dtype.
"""

from __future__ import annotations

import torch

from cnngrade.reference._trace import traced


def _check(input: torch.Tensor, op: str) -> None:
    if not isinstance(input, torch.Tensor):
        raise ValueError(f"{op}: input must be a torch.Tensor, got {type(input).__name__}")
    if not input.is_floating_point():
        raise ValueError(
            f"{op}: input dtype is {input.dtype}; convert it with .float() or .double()"
        )


@traced("relu")
def relu(input: torch.Tensor) -> torch.Tensor:
    """``ReLU(x) = max(0, x)``.

    >>> relu(torch.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
    """
    _check(input, "relu")
    return torch.clamp(input, min=0.0)  # clamp, not where(x > 0): NaN stays NaN as in torch


@traced("relu6")
def relu6(input: torch.Tensor) -> torch.Tensor:
    """``ReLU6(x) = min(max(0, x), 6)`` (MobileNet).

    >>> relu6(torch.tensor([-1.0, 3.0, 9.0]))
    tensor([0., 3., 6.])
    """
    _check(input, "relu6")
    return torch.clamp(input, 0.0, 6.0)


@traced("leaky_relu")
def leaky_relu(input: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """``LeakyReLU(x) = x`` for ``x > 0``, else ``negative_slope · x``.

    >>> leaky_relu(torch.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    _check(input, "leaky_relu")
    if isinstance(negative_slope, bool) or not isinstance(negative_slope, (int, float)):
        raise ValueError(f"negative_slope must be a number, got {negative_slope!r}")
    return torch.where(input > 0, input, input * negative_slope)


@traced("sigmoid")
def sigmoid(input: torch.Tensor) -> torch.Tensor:
    """``σ(x) = 1 / (1 + e^{-x})``.

    >>> sigmoid(torch.tensor([0.0]))
    tensor([0.5000])
    """
    _check(input, "sigmoid")
    # e^{-|x|} never overflows: σ(x) = 1/(1+e^{-x}) for x ≥ 0 and e^{x}/(1+e^{x}) for x < 0
    e = torch.exp(-input.abs())
    return torch.where(input >= 0, 1 / (1 + e), e / (1 + e))


@traced("tanh")
def tanh(input: torch.Tensor) -> torch.Tensor:
    """``tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})``.

    >>> tanh(torch.tensor([0.0]))
    tensor([0.])
    """
    _check(input, "tanh")
    return torch.tanh(input)


@traced("hard_sigmoid")
def hard_sigmoid(input: torch.Tensor) -> torch.Tensor:
    """``h-sigmoid(x) = ReLU6(x + 3) / 6`` (MobileNetV3; torch's ``hardsigmoid``).

    >>> hard_sigmoid(torch.tensor([-4.0, 0.0, 4.0]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    _check(input, "hard_sigmoid")
    return torch.clamp(input + 3.0, 0.0, 6.0) / 6.0


@traced("hard_swish")
def hard_swish(input: torch.Tensor) -> torch.Tensor:
    """``h-swish(x) = x · ReLU6(x + 3) / 6`` (MobileNetV3; torch's ``hardswish``).

    >>> hard_swish(torch.tensor([-4.0, 3.0, 4.0]))
    tensor([-0., 3., 4.])
    """
    _check(input, "hard_swish")
    return input * torch.clamp(input + 3.0, 0.0, 6.0) / 6.0


@traced("softmax")
def softmax(input: torch.Tensor, dim: int) -> torch.Tensor:
    """``softmax(x)_i = e^{x_i - m} / Σ_j e^{x_j - m}`` along ``dim`` (``m`` = the max, for stability).

    >>> softmax(torch.tensor([0.0, 0.0]), dim=0)
    tensor([0.5000, 0.5000])
    """
    _check(input, "softmax")
    if (
        isinstance(dim, bool)
        or not isinstance(dim, int)
        or not -input.dim() <= dim < max(input.dim(), 1)
    ):
        raise ValueError(
            f"softmax: dim={dim!r} is not a dimension of an input of rank {input.dim()}"
        )
    shifted = input - input.amax(dim=dim, keepdim=True)
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)
