"""Fully connected, normalization and dropout layers as formulas (torch's argument names and rules)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from cnngrade.reference._trace import traced


def _tensor(t, name: str, op: str) -> None:
    if not isinstance(t, torch.Tensor):
        raise ValueError(f"{op}: {name} must be a torch.Tensor, got {type(t).__name__}")


@traced("linear")
def linear(
    input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None
) -> torch.Tensor:
    """Fully connected layer ``y = x W^T + b``.

    Shape:
        input ``(*, in_features)``; weight ``(out_features, in_features)``; bias ``(out_features,)``;
        output ``(*, out_features)``.

    >>> linear(torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0, 4.0]]), torch.tensor([0.5]))
    tensor([[11.5000]])
    """
    _tensor(input, "input", "linear")
    _tensor(weight, "weight", "linear")
    if weight.dim() != 2 or input.dim() < 1 or input.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: weight has shape {tuple(weight.shape)} but input has shape "
            f"{tuple(input.shape)}; weight must be (out_features, in_features={input.shape[-1]})"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(
            f"linear: bias has shape {tuple(bias.shape)}; expected ({weight.shape[0]},)"
        )
    out = input @ weight.T
    return out if bias is None else out + bias


def _channel_shape(input: torch.Tensor) -> list[int]:
    """Shape that broadcasts a per-channel ``(C,)`` vector over ``(N, C, *)``."""
    return [1, input.shape[1]] + [1] * (input.dim() - 2)


def _check_batch_norm(input, running_mean, running_var, weight, bias, momentum) -> None:
    _tensor(input, "input", "batch_norm")
    if input.dim() < 2:
        raise ValueError(f"batch_norm: input has shape {tuple(input.shape)}; expected (N, C, *)")
    channels = input.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and tuple(t.shape) != (channels,):
            raise ValueError(
                f"batch_norm: {name} has shape {tuple(t.shape)}; expected ({channels},)"
            )
    if not 0.0 <= float(momentum) <= 1.0:
        raise ValueError(f"batch_norm: momentum must be in [0, 1], got {momentum}")


def _batch_statistics(input, running_mean, running_var, momentum):
    """The batch's mean and biased variance per channel; running stats updated in place (torch's rule)."""
    dims = [0, *range(2, input.dim())]
    count = input.numel() // input.shape[1]
    if count < 2:
        raise ValueError(
            f"batch_norm: training needs more than 1 value per channel, got input shape "
            f"{tuple(input.shape)}; use a batch of 2 or more (or eval mode)"
        )
    mean = input.mean(dim=dims)
    var = ((input - mean.reshape(_channel_shape(input))) ** 2).mean(dim=dims)
    with torch.no_grad():
        if running_mean is not None:
            running_mean.mul_(1 - momentum).add_(momentum * mean.detach())
        if running_var is not None:  # the unbiased variance σ² m / (m - 1) goes into running_var
            running_var.mul_(1 - momentum).add_(momentum * var.detach() * count / (count - 1))
    return mean, var


@traced("batch_norm")
def batch_norm(
    input: torch.Tensor,
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Batch normalization over ``(N, *spatial)`` per channel: ``y = γ (x - μ) / √(σ² + ε) + β``.

    Training uses the batch's ``μ`` and biased ``σ²`` and updates the running statistics in place,
    exactly as torch: ``running = (1 - momentum) · running + momentum · batch_stat``, with the
    *unbiased* variance ``σ² · m / (m - 1)`` (``m = N · H · W`` values per channel) for ``running_var``.
    Evaluation uses the running statistics.

    Shape:
        input ``(N, C)``, ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``; the rest ``(C,)``.

    >>> x = torch.tensor([[1.0], [3.0]])
    >>> rm, rv = torch.zeros(1), torch.ones(1)
    >>> batch_norm(x, rm, rv, training=True, eps=0.0)
    tensor([[-1.],
            [ 1.]])
    >>> rm, rv
    (tensor([0.2000]), tensor([1.1000]))
    """
    _check_batch_norm(input, running_mean, running_var, weight, bias, momentum)
    shape = _channel_shape(input)
    if training:
        mean, var = _batch_statistics(input, running_mean, running_var, momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: eval mode (training=False) needs running_mean and running_var"
            )
        mean, var = running_mean, running_var
    out = (input - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)
    if weight is not None:
        out = out * weight.reshape(shape)
    return out if bias is None else out + bias.reshape(shape)


@traced("layer_norm")
def layer_norm(
    input: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Layer normalization over the last dims of each sample: ``y = γ (x - μ) / √(σ² + ε) + β``.

    Shape:
        input ``(*, *normalized_shape)``; weight and bias ``normalized_shape``.

    >>> layer_norm(torch.tensor([[1.0, 3.0]]), 2, eps=0.0)
    tensor([[-1.,  1.]])
    """
    _tensor(input, "input", "layer_norm")
    norm = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if (
        len(norm) == 0
        or tuple(input.shape[input.dim() - len(norm) :]) != norm
        or input.dim() < len(norm)
    ):
        raise ValueError(
            f"layer_norm: normalized_shape={norm} must equal the last dims of input {tuple(input.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != norm:
            raise ValueError(f"layer_norm: {name} has shape {tuple(t.shape)}; expected {norm}")
    dims = tuple(range(-len(norm), 0))
    mean = input.mean(dim=dims, keepdim=True)
    var = ((input - mean) ** 2).mean(dim=dims, keepdim=True)
    out = (input - mean) / torch.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


@traced("local_response_norm")
def local_response_norm(
    input: torch.Tensor,
    size: int,
    alpha: float = 1e-4,
    beta: float = 0.75,
    k: float = 1.0,
    convention: str = "torch",
) -> torch.Tensor:
    """Local response normalization across channels (AlexNet: ``size=5, alpha=1e-4, beta=0.75, k=2``).

    ``b_c = a_c / (k + α' Σ_{j} a_j²)^β`` over channels ``j ∈ [c - ⌊n/2⌋, c + ⌊(n-1)/2⌋]`` (clipped), with

    - ``convention="torch"`` (``torch.nn.LocalResponseNorm``): ``α' = α / n`` — the sum is averaged;
    - ``convention="paper"`` (Krizhevsky et al. 2012, eq. in §3.3): ``α' = α`` — the plain sum.

    So the paper's layer with ``α`` equals torch's with ``n α``.

    Shape:
        input ``(N, C, *)`` with at least one spatial dim; output the same.

    >>> x = torch.ones(1, 1, 1, 1)
    >>> local_response_norm(x, 1, alpha=1.0, beta=1.0, k=1.0)
    tensor([[[[0.5000]]]])
    """
    _tensor(input, "input", "local_response_norm")
    if input.dim() < 3:
        raise ValueError(
            f"local_response_norm: input has shape {tuple(input.shape)}; expected (N, C, *spatial)"
        )
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"local_response_norm: size must be a positive int, got {size!r}")
    if convention not in ("torch", "paper"):
        raise ValueError(
            f"local_response_norm: convention must be 'torch' or 'paper', got {convention!r}"
        )
    squares = input * input
    pad = [0, 0] * (input.dim() - 2) + [size // 2, (size - 1) // 2]
    window_sum = torch.nn.functional.pad(squares, pad).unfold(1, size, 1).sum(dim=-1)
    scale = alpha / size if convention == "torch" else alpha
    return input / (k + scale * window_sum) ** beta


@traced("dropout")
def dropout(
    input: torch.Tensor,
    p: float = 0.5,
    training: bool = True,
    rng: np.random.Generator | None = None,
) -> torch.Tensor:
    """Inverted dropout: zero each value with probability ``p``, scale the rest by ``1 / (1 - p)``.

    The mask is drawn from ``rng`` (a numpy Generator) on the CPU and moved to the input's device, so
    CPU and GPU runs with the same seed drop the same cells. In eval mode the input passes unchanged.

    Shape:
        any; output the same.

    >>> dropout(torch.ones(4), 0.5, rng=np.random.default_rng(0))
    tensor([2., 0., 0., 0.])
    >>> dropout(torch.ones(2), 0.5, training=False)
    tensor([1., 1.])
    """
    _tensor(input, "input", "dropout")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p!r}")
    if not training or p == 0:
        return input
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"dropout: training needs rng, a numpy.random.Generator (np.random.default_rng(seed)), got {rng!r}"
        )
    if p == 1:
        return input * 0
    keep = torch.from_numpy(rng.random(tuple(input.shape)) >= p).to(input.device)
    return input * keep.to(input.dtype) / (1 - p)
