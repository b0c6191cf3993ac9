"""Per-layer summary of any ``nn.Module``, from what one real forward pass actually ran.

Nothing is read from module names or attributes: reference ops report their bound arguments through
``reference._trace.listening``, torch functions (``F.conv2d``, ``F.linear``, ``torch.cat``, ``+`` …)
are caught by a ``TorchFunctionMode`` with their real arguments, and forward hooks only say which
leaf module was running and what shapes went in and out. Parameters are the ``nn.Parameter`` tensors
the ops used; MACs come from ``counts.py`` on the real shapes; receptive fields follow each tensor
through the graph (branches join by the union of their fields).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import sympy
import torch

from cnngrade.reference._device import resolve_device
from cnngrade.reference._trace import listening
from cnngrade.reference.analysis import _ops
from cnngrade.reference.analysis._tracer import Field, Frame, OpRecord, Tracer

COLUMNS = [
    "name",
    "module",
    "type",
    "input_shape",
    "output_shape",
    "parameters",
    "macs",
    "receptive_field",
    "jump",
    "start",
]


def summarize(
    model: torch.nn.Module, input_shape: Sequence[int], device: str | torch.device | None = None
) -> pd.DataFrame:
    """One row per leaf-layer call (and per layer op run outside a leaf), in execution order.

    Columns: ``name`` (module path; ``path.op()`` for a functional op in a forward), ``module``
    (class), ``type`` (the op(s) that ran, e.g. ``conv2d``), ``input_shape``, ``output_shape``,
    ``parameters`` (numel of the parameters the ops used), ``macs`` (for the whole batch),
    ``receptive_field``, ``jump``, ``start`` (an int per value when all spatial dimensions agree, else
    a tuple; None where the tensor is not derived from a spatial input). ``df.attrs['totals']``
    holds ``parameters`` (each shared parameter once), ``macs`` (every op: batch norm and pooling
    count one MAC per output element), ``macs_conv_linear`` (convolutions and fully connected layers
    only — the convention of papers and of torchvision's model table, e.g. 4,089,184,256 for
    ResNet-50), ``declared_parameters`` (all of ``model.parameters()``) and the model's input and
    output shapes.

    The model runs once, in eval mode and without gradients, on zeros of ``input_shape`` in its own
    dtype; ``device`` moves it there (default: where its parameters are).

    Shape:
        ``input_shape`` is ``(N, C, *spatial)``; receptive fields are in input pixels.

    >>> from reference.models import get
    >>> df = summarize(get("lenet5"), (1, 1, 28, 28))
    >>> list(df["output_shape"].iloc[[0, 2, 3, 5, 6, 7, 9, 11]])
    [(1, 6, 28, 28), (1, 6, 14, 14), (1, 16, 10, 10), (1, 16, 5, 5), (1, 400), (1, 120), (1, 84), (1, 10)]
    >>> df.attrs["totals"]["parameters"]
    61706
    """
    shape = _check_shape(input_shape)
    dev, dtype = _placement(model, device)
    if device is not None:
        model.to(dev)
    tracer = Tracer()
    names = {module: name for name, module in model.named_modules()}
    handles = [
        h
        for module in names
        for h in (
            module.register_forward_pre_hook(_enter(tracer, names)),
            module.register_forward_hook(_leave(tracer)),
        )
    ]
    modes = {m: m.training for m in model.modules()}
    x = torch.zeros(shape, dtype=dtype, device=dev)
    tracer.seed(x)
    try:
        model.eval()
        with torch.no_grad(), listening(tracer.listen), tracer:
            out = model(x)
    finally:
        for h in handles:
            h.remove()
        for m, training in modes.items():
            m.train(training)
    return _frame(tracer, model, shape, out)


def _check_shape(input_shape: Sequence[int]) -> tuple[int, ...]:
    try:
        shape = tuple(int(n) for n in input_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"input_shape must be a sequence of ints like (1, 3, 224, 224), got {input_shape!r}"
        ) from None
    if (
        not shape
        or any(n < 1 for n in shape)
        or any(n != v for n, v in zip(shape, input_shape, strict=True))
    ):
        raise ValueError(
            f"input_shape must hold positive ints like (1, 3, 224, 224), got {input_shape!r}"
        )
    return shape


def _placement(model: torch.nn.Module, device: Any) -> tuple[torch.device, torch.dtype]:
    first = next(iter(model.parameters()), None)
    if device is not None:
        dev = resolve_device(device)
    else:
        dev = first.device if first is not None else torch.device("cpu")
    dtype = (
        first.dtype
        if first is not None and first.is_floating_point()
        else torch.get_default_dtype()
    )
    return dev, dtype


def _enter(tracer: Tracer, names: dict[torch.nn.Module, str]):  # noqa: ANN202
    def hook(module: torch.nn.Module, args: tuple) -> None:
        leaf = next(module.children(), None) is None
        name = names.get(module, type(module).__name__)
        name = name or (
            type(module).__name__ if leaf else ""
        )  # a model that is one leaf: its class
        frame = Frame(name, module, leaf, input_shape=_shape(args))
        tracer.stack.append(frame)
        if leaf:
            tracer.order.append(frame)

    return hook


def _leave(tracer: Tracer):  # noqa: ANN202
    def hook(module: torch.nn.Module, args: tuple, output: Any) -> None:
        frame = tracer.stack.pop()
        first = _first_tensor(output)
        frame.output_shape = _shape(output)
        frame.output_field = tracer.field_of(first) if first is not None else None

    return hook


def _first_tensor(value: Any) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (list, tuple)):
        for item in value:
            found = _first_tensor(item)
            if found is not None:
                return found
    return None


def _shape(value: Any) -> tuple[int, ...] | None:
    t = _first_tensor(value)
    return tuple(t.shape) if t is not None else None


def _row_of_frame(frame: Frame) -> dict[str, Any]:
    layers = [op.kind for op in frame.ops if _ops.is_layer(op.kind) or op.params]
    kinds = layers or [op.kind for op in frame.ops]
    params = _unique(p for op in frame.ops for p in op.params)
    return {
        "name": frame.name,
        "module": type(frame.module).__name__,
        "type": "+".join(dict.fromkeys(kinds)) or "identity",
        "input_shape": frame.input_shape,
        "output_shape": frame.output_shape,
        "parameters": sum(p.numel() for p in params),
        "macs": sum(op.macs for op in frame.ops),
        **_field_columns(frame.output_field),
        "_params": params,
    }


def _row_of_op(name: str, op: OpRecord) -> dict[str, Any]:
    return {
        "name": name,
        "module": "",
        "type": op.kind,
        "input_shape": op.input_shape,
        "output_shape": op.output_shape,
        "parameters": sum(p.numel() for p in _unique(op.params)),
        "macs": op.macs,
        **_field_columns(op.field),
        "_params": _unique(op.params),
    }


def _unique(params: Any) -> list[torch.nn.Parameter]:
    return list({id(p): p for p in params}.values())


def _plain(value: Any) -> Any:
    if isinstance(value, sympy.Basic):
        return int(value) if value.is_integer else float(value)
    return value


def _field_columns(f: Field | None) -> dict[str, Any]:
    if f is None:
        return {"receptive_field": None, "jump": None, "start": None}
    out = {}
    for column, attr in (
        ("receptive_field", "receptive_field"),
        ("jump", "jump"),
        ("start", "start"),
    ):
        values = tuple(_plain(getattr(d, attr)) for d in f.dims)
        out[column] = values[0] if len(set(values)) == 1 else values
    return out


#: op types whose MACs the published tables count (papers; torchvision's "GFLOPS" column)
_PUBLISHED_MAC_OPS = ("conv", "linear")


def _conv_linear_macs(df: pd.DataFrame) -> int:
    """MACs of the convolution and fully connected ops alone (the published convention)."""
    if not len(df):
        return 0
    types = df["type"].astype(str)
    keep = types.map(lambda t: any(op in t for op in _PUBLISHED_MAC_OPS))
    return int(df.loc[keep, "macs"].sum())


def _frame(
    tracer: Tracer, model: torch.nn.Module, shape: tuple[int, ...], out: Any
) -> pd.DataFrame:
    rows = [_row_of_frame(e) if isinstance(e, Frame) else _row_of_op(*e) for e in tracer.order]
    used = _unique(p for row in rows for p in row.pop("_params"))
    df = pd.DataFrame(rows, columns=COLUMNS)
    df.attrs["totals"] = {
        "parameters": sum(p.numel() for p in used),
        "macs": int(df["macs"].sum()) if len(df) else 0,
        "macs_conv_linear": _conv_linear_macs(df),
        "declared_parameters": sum(p.numel() for p in model.parameters()),
        "input_shape": shape,
        "output_shape": _shape(out),
    }
    return df
