"""Inside the child: decode inputs, fingerprint them, and turn return values into plain arrays.

Only raw numbers leave the child. Subclasses of ``np.ndarray``/``torch.Tensor`` are read through the
base class, so overridden methods (``__eq__``, ``__array__``, ``numpy``) never choose the numbers.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import torch

NUMERIC_KINDS = "biuf"


class InvalidOutput(Exception):
    """The return value is not something we turn into numbers."""


def read_inputs(job_fd: int) -> bytes:
    """The raw bytes of every input array of the job (``inputs.bin``, written by the parent)."""
    fd = os.open("inputs.bin", os.O_RDONLY, dir_fd=job_fd)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def decode(value, inputs: bytes, backend: str):
    """Rebuild one argument from its JSON form; arrays are fresh, writable copies of ``inputs``.

    ``backend``: ``"numpy"``, ``"torch"`` or ``"torch:<device>"`` (tensors moved to that device).
    """
    if isinstance(value, dict) and "__ndarray__" in value:
        offset, shape, dtype = value["__ndarray__"]
        count = int(np.prod(shape))
        arr = np.frombuffer(inputs, np.dtype(dtype), count, offset).reshape(shape).copy()
        if not backend.startswith("torch"):
            return arr
        device = backend.partition(":")[2]
        return torch.from_numpy(arr).to(device) if device else torch.from_numpy(arr)
    if isinstance(value, dict) and "__tuple__" in value:
        return tuple(decode(v, inputs, backend) for v in value["__tuple__"])
    if isinstance(value, list):
        return [decode(v, inputs, backend) for v in value]
    return value


def fingerprint(value) -> bytes | None:
    """A digest of an array argument's shape, dtype and bytes (None for non-arrays)."""
    if isinstance(value, torch.Tensor):
        value = _tensor_numpy(value)
    if not isinstance(value, np.ndarray):
        return None
    digest = hashlib.blake2b(f"{value.shape}{value.dtype.str}".encode())
    digest.update(np.ascontiguousarray(value).view(np.uint8).reshape(-1).data)
    return digest.digest()


def _tensor_numpy(t: torch.Tensor) -> np.ndarray:
    """The base-class data of a tensor (subclass overrides bypassed), as a NumPy array."""
    with torch._C.DisableTorchFunctionSubclass():
        base = torch.Tensor.detach(t)
        if base.device.type != "cpu":
            base = torch.Tensor.cpu(base)
        if base.dtype == torch.bfloat16:
            base = torch.Tensor.float(base)
        return torch.Tensor.numpy(base.resolve_conj().resolve_neg())


def to_array(value, max_bytes: int) -> np.ndarray:
    """A plain numeric ndarray copy of ``value``, or InvalidOutput saying what was wrong."""
    arr = _plain(value, depth=0)
    if arr.dtype.kind not in NUMERIC_KINDS:
        raise InvalidOutput(
            f"returned an array of dtype {arr.dtype}; return numbers (a NumPy array, tensor or list)"
        )
    if arr.nbytes > max_bytes:
        raise InvalidOutput(f"returned {arr.nbytes} bytes, more than the limit of {max_bytes}")
    return arr


def _plain(value, depth: int) -> np.ndarray:
    if depth > 64:
        raise InvalidOutput("returned a list nested more than 64 levels deep")
    if value is None:
        raise InvalidOutput("returned None: did you forget `return`?")
    if isinstance(value, torch.Tensor):
        return np.array(_tensor_numpy(value), copy=True)
    if isinstance(value, np.ndarray):
        return np.array(np.ndarray.view(value, np.ndarray), copy=True, subok=False)
    if isinstance(value, (bool, int, float, np.number, np.bool_)) and type(value).__module__ in (
        "builtins",
        "numpy",
    ):
        return np.array(value)
    if type(value) in (list, tuple):
        parts = [_plain(v, depth + 1) for v in value]
        try:
            return np.array(parts) if parts else np.zeros((0,))
        except ValueError as exc:
            raise InvalidOutput(f"returned a ragged nested list ({exc})") from None
    raise InvalidOutput(
        f"returned a {type(value).__name__} object; return a NumPy array, a torch tensor "
        "or a nested list of numbers"
    )


def split_outputs(result, count: int) -> list:
    """The ``count`` return values of one call (a tuple/list of that length when count > 1)."""
    if count == 1:
        return [result]
    if type(result) not in (tuple, list) or len(result) != count:
        got = f"a {type(result).__name__}"
        if type(result) in (tuple, list):
            got += f" of length {len(result)}"
        raise InvalidOutput(f"returned {got}; expected a tuple of {count} arrays")
    return list(result)


def save_outputs(outputs: list[np.ndarray], index: int, job_fd: int) -> None:
    """Write output k of call ``index`` into the worker's pre-created ``out_<index>_<k>.npy``."""
    for k, arr in enumerate(outputs):
        fd = os.open(f"out_{index}_{k}.npy", os.O_WRONLY | os.O_TRUNC, dir_fd=job_fd)
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, arr, allow_pickle=False)
