"""Where reference computations run: the input tensor's device, or ``CNNGRADE_DEVICE`` (default cpu)."""

from __future__ import annotations

import os

import torch


def default_device() -> torch.device:
    """The device named by ``CNNGRADE_DEVICE`` (default ``cpu``).

    >>> default_device().type in {"cpu", "cuda"}
    True
    """
    name = os.environ.get("CNNGRADE_DEVICE", "cpu")
    try:
        return torch.device(name)
    except RuntimeError:
        raise ValueError(
            f"CNNGRADE_DEVICE={name!r} is not a device torch knows; use 'cpu' or 'cuda'"
        ) from None


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``device`` if given (the ``--device`` option), else :func:`default_device`; CUDA is checked."""
    if device is None:
        dev = default_device()
    else:
        try:
            dev = torch.device(device)
        except (RuntimeError, TypeError):
            raise ValueError(
                f"device {device!r} is not a device name; use 'cpu' or 'cuda'"
            ) from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device {str(dev)!r} was asked for, but no CUDA GPU is available; use 'cpu'"
        )
    return dev
