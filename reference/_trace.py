"""A hook that lets ``analysis.summarize`` see which reference operations a forward pass runs.

Reference functional ops are decorated with :func:`traced`. When no tracer is listening the wrapper
costs one context-variable lookup. When one is, the op runs with ``inner`` set (so a tracer that also
watches torch calls can ignore the op's internals), then every listener receives
``(op_name, bound_arguments, output)``. What is recorded is what the forward pass *did*, never a
module's attributes.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

Listener = Callable[[str, dict[str, Any], Any], None]
F = TypeVar("F", bound=Callable[..., Any])

_listeners: ContextVar[tuple[Listener, ...]] = ContextVar("cnngrade_trace_listeners", default=())
_depth: ContextVar[int] = ContextVar("cnngrade_trace_depth", default=0)


def inside_traced_op() -> bool:
    """True while a traced reference op is running (its internal torch calls are not layers)."""
    return _depth.get() > 0


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener`` for every traced op run inside the ``with`` block."""
    token = _listeners.set((*_listeners.get(), listener))
    try:
        yield
    finally:
        _listeners.reset(token)


def traced(op_name: str) -> Callable[[F], F]:
    """Decorate a reference op so tracers see it as one operation named ``op_name``."""

    def decorate(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            listeners = _listeners.get()
            if not listeners or _depth.get() > 0:
                return fn(*args, **kwargs)
            token = _depth.set(_depth.get() + 1)
            try:
                out = fn(*args, **kwargs)
            finally:
                _depth.reset(token)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            for listener in listeners:
                listener(op_name, dict(bound.arguments), out)
            return out

        return wrapper  # type: ignore[return-value]

    return decorate
