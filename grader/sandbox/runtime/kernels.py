"""Forbidden operators refused on torch's dispatcher, in every thread, before the submission loads.

Each operator an exercise's patterns name (``ops.py``) gets a refusing kernel on every dispatch key
that holds a computing kernel for it. The dispatcher is process-wide: the refusal holds in every
thread and under every mode or key-set guard, for ``redispatch``, boxed calls and forks, and no
handle to the original kernels or to the registrations is left for Python code. torch's Python
implementations of those operators (decompositions) are replaced by raisers too.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import re
import sys
import warnings

import torch

from . import ops
from .guards import ATTEMPTS, ForbiddenUse

#: A dispatch key in ``torch._C._dispatch_dump`` output: ``CPU: registered at ...``.
_KEY_LINE = re.compile(r"^(\w+)(?:\[alias\])?: registered at", re.M)
#: Where torch keeps Python implementations of operators (decompositions, references).
_PYTHON_IMPLS = ("torch._decomp", "torch._refs", "torch._prims")


#: Dispatch keys whose kernels only wrap and redispatch (autograd, tracing, autocast, views,
#: functionalization, vmap) or compute no data (Meta): the computing kernels below them are refused.
_WRAPPER_KEYS = frozenset(
    ("Tracer", "Autograd", "ADInplaceOrView", "Functionalize", "FuncTorchBatched",
     "FuncTorchBatchedDecomposition", "Meta")
)  # fmt: skip


@functools.lru_cache(maxsize=32)
def kernel_plan(patterns: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """(operator, dispatch keys holding a computing kernel, name shown to the student) for every
    operator ``patterns`` name.

    The keys are the backends (``CPU``, ``CUDA``, ``MkldnnCPU``, ``QuantizedCPU``...) and the
    composite aliases; wrapper keys are skipped (they redispatch into those). Computed in the warm
    worker, cached per pattern set, so a child only registers.
    """
    plan = []
    for op in sorted(torch._C._dispatch_get_all_op_names()):
        if ops.matches(op, patterns):
            keys = set(_KEY_LINE.findall(torch._C._dispatch_dump(op))) - {"debug"}
            keys = {k for k in keys if k not in _WRAPPER_KEYS and not k.startswith("Autocast")}
            plan.append((op, tuple(sorted(keys)), ops.friendly(op)))
    return tuple(plan)


@functools.lru_cache(maxsize=32)
def python_impl_plan(patterns: tuple[str, ...]) -> tuple[tuple[object, object, str], ...]:
    """(namespace, key, operator) of torch's Python implementations of the refused operators.

    A namespace is a module (key: attribute name) or a decomposition table (key: OpOverload);
    ``torch._decomp.decompositions.im2col`` computes ``F.unfold`` from allowed operators.
    Computed in the warm worker (cached); the child only assigns.
    """
    found: list[tuple[object, object, str]] = []
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(_PYTHON_IMPLS):
            continue
        for attr, value in list(vars(module).items()):
            if callable(value) and not isinstance(value, type) and ops.matches(attr, patterns):
                found.append((module, attr, f"{name}.{attr}"))
    decomp = sys.modules.get("torch._decomp")
    tables = [getattr(decomp, "decomposition_table", {})]
    tables += list(getattr(decomp, "global_decomposition_table", {}).values())
    for table in tables:
        for overload in table:
            if ops.matches(_op_name(overload), patterns):
                found.append((table, overload, _op_name(overload)))
    return tuple(found)


#: Registrations this build refused (none on torch 2.13 CPU); kept for diagnosis, never fatal.
UNREGISTERED: list[str] = []


def install_kernel_guard(plan: tuple[tuple[str, tuple[str, ...], str], ...]) -> int:
    """Shadow every kernel of the planned operators, on every dispatch key, with a refusal.

    The dispatcher is process-wide, so the refusal holds in every thread, under any mode or
    key-set guard, for ``redispatch``, boxed calls and forks. The registrations belong to
    ``_DispatchModule`` handles that no Python object refers to afterwards (one reference is
    leaked on purpose), so student code can neither destroy them nor reach the original kernels.
    Returns how many kernels were shadowed.
    """
    libraries: dict[str, object] = {}
    count = 0
    with warnings.catch_warnings():  # "Overriding a previously registered kernel": the point
        warnings.simplefilter("ignore")
        for op, keys, shown in plan:
            namespace, _, name = op.partition("::")
            if namespace not in libraries:
                libraries[namespace] = torch._C._dispatch_library("IMPL", namespace, "")
            refuse = _refuser(shown)
            for key in keys:
                try:
                    libraries[namespace].impl(name, key, refuse, False)
                    count += 1
                except RuntimeError as exc:  # a key this build cannot take: the others still hold
                    UNREGISTERED.append(f"{op} on {key}: {str(exc).splitlines()[0][:200]}")
    for library in libraries.values():
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(library))
    libraries.clear()
    return count


def _refuser(shown: str):
    def refuse(*args, **kwargs):
        ATTEMPTS.append(shown)
        raise ForbiddenUse(shown)

    return refuse


def refuse_python_impls(plan: tuple[tuple[object, object, str], ...]) -> None:
    """Replace each planned Python implementation with a raiser (and drop the op's Python kernels)."""
    for namespace, key, name in plan:
        # an operator ("aten::im2col") gets its friendly name; a function is named as it is spelled
        refuse = _refuser(ops.friendly(name) if "::" in name else name)
        if isinstance(namespace, dict):
            namespace[key] = refuse
            with contextlib.suppress(AttributeError):
                key.py_kernels.clear()
        else:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(namespace, key, refuse)


def _op_name(overload) -> str:
    """``"aten::im2col"`` for the OpOverload ``aten.im2col.default``."""
    try:
        return str(overload.name())
    except Exception:  # noqa: BLE001 - not an OpOverload: its str is the best name
        return str(overload)


def guard_operators(patterns: list[str], plans=None) -> None:
    """Refuse the operators ``patterns`` name, for good, before the submission is imported.

    ``plans``: ``(kernel_plan, python_impl_plan)`` as the worker computed them before the fork.
    """
    if not patterns:
        return
    key = tuple(patterns)
    kernels, impls = plans if plans is not None else (kernel_plan(key), python_impl_plan(key))
    install_kernel_guard(kernels)
    refuse_python_impls(impls)
