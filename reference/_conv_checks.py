"""Argument checks shared by the convolution family (conv, conv_transpose, separable, deformable).

Each raises a ``ValueError`` naming the parameter, the value and the rule, before any torch kernel
could fail deep inside with an error the reader cannot act on.
"""

from __future__ import annotations

import torch

_LAYOUT = {1: "(N, C_in, L)", 2: "(N, C_in, H, W)", 3: "(N, C_in, D, H, W)"}


def check_input(name: str, input: torch.Tensor, m: int) -> tuple[torch.Tensor, bool]:
    """Validate an ``m``-d conv input; return it batched (``(C, *n)`` gets ``N = 1``) and whether it was."""
    if not isinstance(input, torch.Tensor):
        raise ValueError(f"{name} expects input to be a torch.Tensor, got {type(input).__name__}")
    layout = _LAYOUT[m]
    if input.dim() not in (m + 1, m + 2):
        raise ValueError(
            f"{name} expects a {m + 2}-D input {layout} or {m + 1}-D ({layout[4:]}; "
            f"got shape {tuple(input.shape)}"
        )
    if not input.is_floating_point():
        raise ValueError(
            f"{name} expects a floating-point input, got dtype {input.dtype}; use input.double()"
        )
    if any(n < 1 for n in input.shape):
        raise ValueError(f"{name} expects every input size >= 1, got shape {tuple(input.shape)}")
    batched = input.dim() == m + 2
    return (input if batched else input.unsqueeze(0)), batched


def check_weight(name: str, weight: torch.Tensor, input: torch.Tensor, groups: int, m: int) -> None:
    """Validate ``weight`` (C_out, C_in / groups, *k) against a batched input and ``groups``."""
    if not isinstance(weight, torch.Tensor) or weight.dim() != m + 2:
        shape = tuple(weight.shape) if isinstance(weight, torch.Tensor) else type(weight).__name__
        raise ValueError(
            f"{name} expects weight of shape (C_out, C_in/groups, *kernel) with {m + 2} dims, got {shape}"
        )
    if weight.dtype != input.dtype or weight.device != input.device:
        raise ValueError(
            f"weight is {weight.dtype} on {weight.device} but input is {input.dtype} on {input.device}; "
            f"convert one to match"
        )
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be an int >= 1, got {groups!r}")
    c_in, c_out = input.shape[1], weight.shape[0]
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups={groups} must divide both C_in={c_in} and C_out={c_out}; pick a common divisor"
        )
    if weight.shape[1] * groups != c_in:
        raise ValueError(
            f"weight has {weight.shape[1]} input channels per group but input has C_in={c_in} and "
            f"groups={groups}: weight.shape[1] must be C_in/groups = {c_in // groups}"
        )
    if any(k < 1 for k in weight.shape):
        raise ValueError(f"weight sizes must be >= 1, got shape {tuple(weight.shape)}")


def check_bias(bias: torch.Tensor | None, c_out: int, input: torch.Tensor) -> None:
    """``bias`` must be None or a vector of ``C_out`` values of the input's dtype and device."""
    if bias is None:
        return
    if not isinstance(bias, torch.Tensor) or tuple(bias.shape) != (c_out,):
        shape = tuple(bias.shape) if isinstance(bias, torch.Tensor) else type(bias).__name__
        raise ValueError(
            f"bias must have shape ({c_out},) (one value per output channel), got {shape}"
        )
    if bias.dtype != input.dtype or bias.device != input.device:
        raise ValueError(
            f"bias is {bias.dtype} on {bias.device} but input is {input.dtype} on {input.device}"
        )
