"""Run-time refusal of forbidden APIs inside the child: dispatcher kernels, an import hook, patched names.

The operators an exercise forbids are refused on torch's dispatcher itself (``kernels.py``). Patched
names and the import hook here give friendlier messages and refuse whole modules. A refusal raises
``ForbiddenUse`` and is recorded, so even a swallowed or threaded use ends as status ``"forbidden"``.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import importlib.abc
import sys
import types

import torch

#: Every refused use, in order (threads included); ``refusing_uses`` turns new ones into a verdict.
ATTEMPTS: list[str] = []
#: Our own packages and library shortcuts no exercise allows.
ALWAYS_BLOCKED = (
    "cnngrade",
    "reference",
    "exercises",
    "grader",
    "solutions",
    "scipy.signal",
    "scipy.ndimage",
)


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


class _Raiser:
    """Stands in for a forbidden name: calling it, or reading an attribute of it (an engine's
    ``run_backward``; private names excepted), raises ForbiddenUse, recorded."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.__name__ = name.rsplit(".", 1)[-1]

    def __call__(self, *args, **kwargs):
        ATTEMPTS.append(self._name)
        raise ForbiddenUse(self._name)

    def __getattr__(self, attr: str):
        if attr.startswith("_"):  # a probe by torch's own machinery (jit, dynamo flags): absent
            raise AttributeError(attr)
        ATTEMPTS.append(self._name)
        raise ForbiddenUse(self._name)


def patch_forbidden_names(names: list[str]) -> None:
    """Replace each importable forbidden ``module.attr`` with a function that raises ForbiddenUse.

    Classes (``torch.nn.Conv2d``) become raisers too: building one is the forbidden use.
    """
    for name in names:
        if name in _GRAPH_NAMES:
            _refuse_graph(name)
            continue
        module_name, _, attr = name.rpartition(".")
        owner = _import_owner(module_name)
        # a module stays (torch reads torch.autograd.forward_ad when printing any tensor): its
        # functions are refused by name or on the dispatcher, its import by the scan
        if (
            owner is not None
            and hasattr(owner, attr)
            and not isinstance(getattr(owner, attr), types.ModuleType)
        ):
            _disarm_class(getattr(owner, attr), name)
            with contextlib.suppress(AttributeError, TypeError):
                setattr(owner, attr, _Raiser(name))


def _disarm_class(value: object, name: str) -> None:
    """A forbidden Python class refuses to be built or run, however it is found again
    (``torch.nn.Module.__subclasses__()``, an object's ``type``): its own ``__init__`` and
    ``forward`` become raisers. Extension types cannot be changed (their work is on the dispatcher)."""
    if not isinstance(value, type):
        return
    for method in ("__init__", "forward"):
        if method in vars(value) and not isinstance(vars(value)[method], _Raiser):
            with contextlib.suppress(AttributeError, TypeError):
                setattr(value, method, _Raiser(name))


#: A tensor's autograd node: calling it (or walking ``next_functions``) computes gradients by hand.
_GRAPH_NAMES = frozenset({"torch.Tensor.grad_fn", "torch.Tensor._grad_fn"})


def _refuse_graph(name: str) -> None:
    """Make reading ``name`` on a tensor that has an autograd node a forbidden use.

    A property on ``torch.Tensor`` (the C base type cannot be patched): ``None`` for tensors outside
    any graph, so printing or converting plain tensors is unaffected.
    """
    attr = name.rpartition(".")[2]
    original = getattr(torch._C.TensorBase, attr, None)
    if original is None or not hasattr(original, "__get__"):
        return

    def read(tensor):
        if original.__get__(tensor) is None:
            return None
        ATTEMPTS.append(name)
        raise ForbiddenUse(name)

    with contextlib.suppress(AttributeError, TypeError):
        setattr(torch.Tensor, attr, property(read))


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


@contextlib.contextmanager
def refusing_uses():
    """Raise ForbiddenUse at the end of the block when a refused operator was called in it.

    Covers uses the student's code swallowed (``try: F.conv2d(...) except: ...``) or made in
    another thread: the dispatcher's refusal records every attempt in ``ATTEMPTS``.
    """
    start = len(ATTEMPTS)
    try:
        yield
    except BaseException as exc:
        if len(ATTEMPTS) > start and is_forbidden_error(exc) is None:
            raise ForbiddenUse(ATTEMPTS[start]) from exc
        raise
    if len(ATTEMPTS) > start:
        raise ForbiddenUse(ATTEMPTS[start])


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
