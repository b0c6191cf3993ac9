"""Forbidden APIs of an exercise and the static (AST) half of refusing them.

The run-time half lives in the child (``runtime/guards.py``): refusing kernels on torch's dispatcher
for the forbidden operators and an import hook refusing the modules. Both halves read the operator
patterns with one rule (``runtime/ops.py``). The static scan follows simple aliasing only; the
run-time guard catches what a scan cannot see (computed names, ``eval``, threads).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from cnngrade.grader.sandbox.runtime import ops

#: Python names that reach the same kernels, so forbidding one forbids its spellings.
EQUIVALENT_NAMES: dict[str, tuple[str, ...]] = {
    "torch.nn.functional.conv1d": ("torch.conv1d",),
    "torch.nn.functional.conv2d": ("torch.conv2d", "torch._C._nn.conv2d"),
    "torch.nn.functional.conv3d": ("torch.conv3d",),
    "torch.nn.functional.conv_transpose2d": ("torch.conv_transpose2d",),
    "torch.nn.functional.max_pool2d": (
        "torch.max_pool2d",
        "torch.nn.functional.max_pool2d_with_indices",
    ),
    "torch.nn.functional.avg_pool2d": ("torch.avg_pool2d", "torch._C._nn.avg_pool2d"),
    "torch.nn.functional.unfold": ("torch._C._nn.im2col",),
    "torch.nn.functional.lstm_cell": ("torch.lstm_cell",),
    "torch.nn.functional.gru_cell": ("torch.gru_cell",),
    "torch.nn.Conv2d": ("torch.nn.modules.conv.Conv2d", "torch.nn.modules.Conv2d"),
    "torch.nn.ConvTranspose2d": ("torch.nn.modules.conv.ConvTranspose2d",),
    "torch.nn.MaxPool2d": ("torch.nn.modules.pooling.MaxPool2d",),
    "torch.nn.AvgPool2d": ("torch.nn.modules.pooling.AvgPool2d",),
    "torch.nn.LSTMCell": ("torch.nn.modules.rnn.LSTMCell",),
    "torch.nn.GRUCell": ("torch.nn.modules.rnn.GRUCell",),
    "torch.ao.nn.quantizable.LSTMCell": (
        "torch.ao.nn.quantizable.modules.LSTMCell",
        "torch.ao.nn.quantizable.modules.rnn.LSTMCell",
        "torch.nn.quantizable.LSTMCell",
        "torch.nn.quantizable.modules.rnn.LSTMCell",
    ),
    "torch.ao.nn.quantizable.LSTM": (
        "torch.ao.nn.quantizable.modules.LSTM",
        "torch.ao.nn.quantizable.modules.rnn.LSTM",
        "torch.nn.quantizable.LSTM",
        "torch.nn.quantizable.modules.rnn.LSTM",
    ),
    # NumPy's own modules hold the same functions (and the C kernels behind them)
    "numpy.correlate": (
        "numpy._core.correlate",
        "numpy._core.numeric.correlate",
        "numpy._core.multiarray.correlate2",
        "numpy._core.umath.correlate2",
        "numpy._core._multiarray_umath.correlate2",
    ),
    "numpy.convolve": (
        "numpy._core.convolve",
        "numpy._core.numeric.convolve",
        "numpy._core.multiarray.correlate",
        "numpy._core.umath.correlate",
        "numpy._core._multiarray_umath.correlate",
    ),
    "numpy.lib.stride_tricks.sliding_window_view": (
        "numpy.lib._stride_tricks_impl.sliding_window_view",
    ),
    # calling a tensor's autograd node is backward by hand
    "torch.Tensor.backward": ("torch.Tensor.grad_fn", "torch.Tensor._grad_fn"),
    # the engine that torch.autograd.backward and grad call, reached directly
    "torch.autograd.backward": (
        "torch.autograd.Variable._execution_engine",
        "torch.autograd.variable.Variable._execution_engine",
        "torch.autograd.variable.ImperativeEngine",
        "torch._C._ImperativeEngine",
        "torch._C._EngineBase",
    ),
}
#: Namespaces whose attributes are torch operators: ``torch.convolution``, ``torch._C._nn.im2col``.
OP_NAMESPACES = (
    "torch.nn.functional.", "torch._C._VariableFunctions.", "torch._C._nn.", "torch._C.TensorBase.",
    "torch._C._TensorBase.", "torch.Tensor.", "torch.",
)  # fmt: skip
#: Ways around a guard on operators, refused by the scan wherever an exercise forbids an operator
#: (not by the child's import hook: torch imports some of them lazily for its own use).
REACH_AROUND = (
    "ctypes", "_ctypes", "cffi", "torch._decomp", "torch._refs", "torch._prims", "torch._inductor",
    "torch._dynamo", "torch.compile", "torch.library", "torch._C._dispatch_library",
)  # fmt: skip
#: The finding for a file the scan cannot walk (it would be refused by the child's compiler too).
NESTED_MARK = "too deeply nested to analyse"
TOO_NESTED = (
    f"line 1: your file is {NESTED_MARK} ({{why}}); "
    "split long chains of calls, attributes, operators or brackets into several statements"
)


@dataclass(frozen=True)
class Forbidden:
    """What an exercise forbids: Python names, whole modules, and aten ops (checked at run time too).

    Args:
        names: dotted names, e.g. ``"torch.nn.functional.conv2d"`` (their known spellings follow).
        modules: modules whose import is refused, e.g. ``"scipy.signal"`` (submodules included).
        aten_ops: regular expressions naming torch operators, searched in each operator's base
            name (``"conv(?!ert)"`` names ``aten::conv2d``, ``aten::_convolution``,
            ``mkldnn::_convolution_pointwise``...). The child refuses them on every dispatch key;
            the scan refuses ``torch.<op>``, ``torch.ops.<ns>.<op>`` and the like, and, as soon as
            any operator is forbidden, the modules in ``REACH_AROUND``.

    >>> Forbidden(names=("torch.nn.functional.conv2d",)).all_names()[:2]
    ('torch.nn.functional.conv2d', 'torch.conv2d')
    """

    names: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    aten_ops: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for field_name in ("names", "modules", "aten_ops"):
            value = getattr(self, field_name)
            if isinstance(value, str) or not all(isinstance(v, str) and v for v in value):
                raise ValueError(
                    f"Forbidden.{field_name}={value!r}: expected a tuple of non-empty strings"
                )
        for pattern in self.aten_ops:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(
                    f"Forbidden.aten_ops: {pattern!r} is not a regular expression ({exc})"
                ) from None

    def all_names(self) -> tuple[str, ...]:
        """The forbidden names followed by their known equivalent spellings."""
        out: list[str] = []
        for name in self.names:
            for spelling in (name, *EQUIVALENT_NAMES.get(name, ())):
                if spelling not in out:
                    out.append(spelling)
        return tuple(out)

    def all_modules(self) -> tuple[str, ...]:
        """The modules the scan refuses: the forbidden ones, plus ``REACH_AROUND`` when any
        operator is forbidden."""
        extra = REACH_AROUND if self.aten_ops else ()
        return tuple(dict.fromkeys([*self.modules, *extra]))

    def to_json(self) -> dict[str, list[str]]:
        """Plain data for the child (names already expanded to their spellings)."""
        return {
            "names": list(self.all_names()),
            "modules": list(self.modules),
            "aten_ops": list(self.aten_ops),
        }


def forbidden_message(name: str) -> str:
    """The one-line verdict for a forbidden use.

    >>> forbidden_message("torch.nn.functional.conv2d")
    'uses torch.nn.functional.conv2d, which this exercise forbids'
    """
    return f"uses {name}, which this exercise forbids"


def static_scan(source: str, forbidden: Forbidden) -> tuple[str, ...]:
    """Find forbidden names, modules and aten ops in ``source`` by walking its AST (no execution).

    Follows ``import ... as``, ``from ... import ... as``, plain assignments of names, constant
    ``getattr(obj, "name")``, ``importlib.import_module("...")`` and ``__import__("...")``.
    Returns one message per violation, ``"line N: uses X, which this exercise forbids"``, in source
    order; ``()`` when clean or when the source does not parse (the run reports the syntax error).
    Total: a file too deeply nested for the parser or the walk (``x.a.a.a...`` 1,000 deep,
    ``f()()()...``, ``not not ...``) is one finding saying so, never an exception here.

    >>> src = "import torch.nn.functional as F\\nc = getattr(F, 'conv2d')\\n"
    >>> static_scan(src, Forbidden(names=("torch.nn.functional.conv2d",)))
    ('line 2: uses torch.nn.functional.conv2d, which this exercise forbids',)
    """
    if not isinstance(source, str):
        raise ValueError(f"source={type(source).__name__}: expected the submission's text as str")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, OverflowError):
        return ()
    except (RecursionError, MemoryError) as exc:
        return (TOO_NESTED.format(why=f"the parser gave up: {type(exc).__name__}"),)
    scanner = _Scanner(forbidden)
    try:
        scanner.visit(tree)
    except (RecursionError, MemoryError) as exc:
        return (TOO_NESTED.format(why=f"the scan gave up: {type(exc).__name__}"),)
    return tuple(msg for _, msg in sorted(set(scanner.found)))


def _operator_name(dotted: str, patterns: tuple[str, ...]) -> str | None:
    """``dotted`` cut after the forbidden operator it names (``torch.ops.aten.im2col``), or None."""
    parts = dotted.split(".")
    if parts[:2] == ["torch", "ops"] and len(parts) >= 4:
        return ".".join(parts[:4]) if ops.matches(parts[3], patterns) else None
    for prefix in OP_NAMESPACES:
        if dotted.startswith(prefix):
            attr = dotted[len(prefix) :].split(".")[0]
            return prefix + attr if attr and ops.matches(attr, patterns) else None
    return None


class _Scanner(ast.NodeVisitor):
    """Resolves expressions to dotted names through a flat alias table (scope-insensitive on purpose)."""

    def __init__(self, forbidden: Forbidden) -> None:
        self.names = forbidden.all_names()
        self.modules = forbidden.all_modules()
        self.aten_ops = forbidden.aten_ops
        self.aliases: dict[str, str] = {}
        self.found: list[tuple[int, str]] = []

    def _check(self, dotted: str | None, line: int) -> None:
        if not dotted:
            return
        hit = next((n for n in self.names if dotted == n or dotted.startswith(n + ".")), None)
        if hit is None:
            hit = next((m for m in self.modules if dotted == m or dotted.startswith(m + ".")), None)
        if hit is None and self.aten_ops:
            hit = _operator_name(dotted, self.aten_ops)
        if hit is not None:
            self.found.append((line, f"line {line}: {forbidden_message(hit)}"))

    def resolve(self, node: ast.AST) -> str | None:
        """The dotted name an expression denotes, or None when it is not a simple name."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            return self._resolve_call(node)
        return None

    def _resolve_call(self, node: ast.Call) -> str | None:
        func = self.resolve(node.func)
        consts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if func == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
            base = self.resolve(node.args[0])
            attr = node.args[1].value
            return f"{base}.{attr}" if base and isinstance(attr, str) else None
        if (
            func in ("importlib.import_module", "__import__")
            and consts
            and isinstance(consts[0], str)
        ):
            return consts[0]
        return None

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check(alias.name, node.lineno)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        self._check(node.module, node.lineno)
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            self._check(full, node.lineno)
            self.aliases[alias.asname or alias.name] = full

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        target_value = self.resolve(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and target_value:
                self.aliases[target.id] = target_value

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._check(self.resolve(node), node.lineno)
        if self.resolve(node) is None:
            self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self._check(self._resolve_call(node), node.lineno)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases:
            self._check(self.aliases[node.id], node.lineno)
