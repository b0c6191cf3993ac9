"""Run-time refusal of forbidden APIs inside the child: an import hook, patched names, a dispatch mode.

A guard raises ``ForbiddenUse``; the child turns it into status ``"forbidden"``. Student code runs in
the same interpreter, so a determined student can unpatch these; the static scan in the parent is the
other half, and neither ever lets an expected output into the child.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import importlib.abc
import sys

import torch
from torch.utils._python_dispatch import TorchDispatchMode

#: Our own packages and library shortcuts no exercise allows.
ALWAYS_BLOCKED = ("cnngrade", "reference", "exercises", "grader", "solutions", "scipy.signal", "scipy.ndimage")


class ForbiddenUse(Exception):
    """A forbidden API was used; ``name`` says which."""

    def __init__(self, name: str) -> None:
        super().__init__(f"uses {name}, which this exercise forbids")
        self.name = name


class BlockImports(importlib.abc.MetaPathFinder):
    """Refuse to import the listed modules and their submodules."""

    def __init__(self, modules: tuple[str, ...]) -> None:
        self.modules = tuple(modules)

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 - importlib protocol
        for blocked in self.modules:
            if fullname == blocked or fullname.startswith(blocked + "."):
                raise ForbiddenUse(f"the module {blocked}")
        return None


def install_import_block(modules: list[str]) -> None:
    """Put the import hook first and forget already-imported copies of blocked modules."""
    blocked = tuple(dict.fromkeys([*ALWAYS_BLOCKED, *modules]))
    hook = BlockImports(blocked)
    sys.meta_path.insert(0, hook)
    builtins.__import__ = _checked_import(builtins.__import__, hook)
    if any(
        b in sys.modules for b in blocked
    ):  # rare: iterating sys.modules copies pages after fork
        for name in list(sys.modules):
            if any(name == b or name.startswith(b + ".") for b in blocked):
                del sys.modules[name]


def _checked_import(original, hook: BlockImports):
    """``__import__`` that refuses blocked names before the parent package is even looked up."""

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A001
        if level == 0:
            hook.find_spec(name)
            for item in fromlist or ():
                if isinstance(item, str):
                    hook.find_spec(f"{name}.{item}")
        return original(name, globals, locals, fromlist, level)

    return __import__


def _raiser(name: str):
    def forbidden(*args, **kwargs):
        raise ForbiddenUse(name)

    forbidden.__name__ = name.rsplit(".", 1)[-1]
    return forbidden


def patch_forbidden_names(names: list[str]) -> None:
    """Replace each importable forbidden ``module.attr`` with a function that raises ForbiddenUse.

    Classes (``torch.nn.Conv2d``) become raisers too: building one is the forbidden use.
    """
    for name in names:
        module_name, _, attr = name.rpartition(".")
        owner = _import_owner(module_name)
        if owner is not None and hasattr(owner, attr):
            with contextlib.suppress(AttributeError, TypeError):
                setattr(owner, attr, _raiser(name))


def _import_owner(dotted: str):
    """The module or class a dotted prefix names, or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


class RefuseAtenOps(TorchDispatchMode):
    """Refuse aten ops whose name is listed (or starts with a listed name plus ``_``)."""

    def __init__(self, ops: list[str]) -> None:
        super().__init__()
        self.ops = tuple(ops)

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001 - torch protocol
        op = func._schema.name.split("::")[-1]
        if any(op == o or op.startswith(o + "_") for o in self.ops):
            raise ForbiddenUse(_friendly(op))
        return func(*args, **(kwargs or {}))


#: aten op name prefix -> the Python API a student most likely called to reach it.
_ATEN_FRIENDLY = (
    ("conv_transpose", "torch.nn.functional.conv_transpose2d"),
    ("conv", "torch.nn.functional.conv2d"),
    ("_conv", "torch.nn.functional.conv2d"),
    ("mkldnn_conv", "torch.nn.functional.conv2d"),
    ("max_pool", "torch.nn.functional.max_pool2d"),
    ("avg_pool", "torch.nn.functional.avg_pool2d"),
    ("im2col", "torch.nn.functional.unfold"),
    ("lstm", "torch.nn.functional.lstm_cell"),
    ("gru", "torch.nn.functional.gru_cell"),
)


def _friendly(op: str) -> str:
    """``"torch.nn.functional.conv2d (aten.convolution)"`` for an intercepted op."""
    name = next((api for prefix, api in _ATEN_FRIENDLY if op.startswith(prefix)), None)
    return f"{name} (aten.{op})" if name else f"aten.{op}"


def aten_guard(ops: list[str]):
    """A context manager refusing ``ops``, or a no-op context when there are none."""
    import contextlib

    return RefuseAtenOps(ops) if ops else contextlib.nullcontext()


def is_forbidden_error(exc: BaseException) -> ForbiddenUse | None:
    """The ForbiddenUse behind ``exc`` (raised directly or as the cause/context), if any."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, ForbiddenUse):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def torch_threads(n: int) -> None:
    """Keep one submission on ``n`` intra-op threads so parallel grading stays fair."""
    torch.set_num_threads(n)


def cuda_setup(device: str | None, memory_mb: int) -> None:
    """On a CUDA job: full float32 precision, and the caching allocator capped at the memory budget.

    cuDNN convolutions default to TF32 (a 10-bit mantissa, ≈1e-3 relative error, seen on an H200
    with torch 2.11): a correct student ``nn.Conv2d`` would then fail the float32 tolerance, so the
    child turns TF32 off for convolutions and matmuls. GPU memory is not charged to the cgroup and
    CUDA reserves far more *address space* than it uses (so a CUDA job runs without RLIMIT_AS): the
    allocator cap is what keeps one submission from taking the card.
    """
    if not device or not str(device).startswith("cuda") or not torch.cuda.is_available():
        return
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device(device)
    total = torch.cuda.get_device_properties(dev).total_memory
    torch.cuda.set_per_process_memory_fraction(min(1.0, memory_mb * 2**20 / total), dev)
