"""Record what a forward pass ran: reference ops (trace listener) and torch functions (a function mode).

Every tensor derived from the input carries a ``Field`` (receptive field, jump and start per spatial
dimension), looked up by tensor identity. Window ops (conv, pool) step it with the recurrence in
``receptive.py``; everything else joins its inputs' fields (concat, add: the union over paths) and,
when it rearranges the spatial layout (flatten, a linear layer over a spatial axis), widens them to
the whole map first — each output may then depend on every position.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from cnngrade.reference._trace import inside_traced_op
from cnngrade.reference.analysis import _ops
from cnngrade.reference.analysis.receptive import (
    RFInfo,
    rf_adaptive_step,
    rf_resample_step,
    rf_step,
    rf_transposed_step,
    rf_union,
)


@dataclass(frozen=True)
class Field:
    """Per-dimension ``RFInfo`` of a tensor; ``spatial`` = its spatial sizes, None once flattened."""

    dims: tuple[RFInfo, ...]
    spatial: tuple[int, ...] | None


@dataclass
class OpRecord:
    """One operation as it ran: its kind, the parameters it used, its MACs, shapes and output field."""

    kind: str
    params: list[torch.nn.Parameter]
    macs: int
    input_shape: tuple[int, ...] | None
    output_shape: tuple[int, ...] | None
    field: Field | None


@dataclass
class Frame:
    """A module call in progress; ops run while a leaf's frame is on top belong to it."""

    name: str
    module: torch.nn.Module
    leaf: bool
    ops: list[OpRecord] = field(default_factory=list)
    input_shape: tuple[int, ...] | None = None
    output_shape: tuple[int, ...] | None = None
    output_field: Field | None = None


def _tensors(value: Any) -> list[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _tensors(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _tensors(item)]
    return []


def _globalize(f: Field) -> Field:
    """The field of a unit that may read every position of ``f``'s map (a window as big as the map)."""
    if f.spatial is None:
        return f
    return Field(
        tuple(rf_adaptive_step(d, n, 1) for d, n in zip(f.dims, f.spatial, strict=True)), None
    )


class Tracer(TorchFunctionMode):
    """Collects ``OpRecord``s into module frames and propagates fields through every traced op."""

    def __init__(self) -> None:
        super().__init__()
        self._fields: dict[int, tuple[weakref.ref, Field]] = {}
        self.stack: list[Frame] = []
        # rows in execution order: leaf-module Frames, and (name, OpRecord) for layer ops run outside
        # any leaf module (e.g. ``F.max_pool2d`` called in a ``forward``)
        self.order: list[Frame | tuple[str, OpRecord]] = []

    # ---- fields by tensor identity ----
    def field_of(self, t: torch.Tensor) -> Field | None:
        entry = self._fields.get(id(t))
        if entry is None or entry[0]() is not t:
            return None
        return entry[1]

    def set_field(self, t: torch.Tensor, f: Field | None) -> None:
        if f is not None:
            self._fields[id(t)] = (weakref.ref(t), f)

    def seed(self, x: torch.Tensor) -> None:
        """Start tracking the model input ``(N, C, *spatial)``: r = 1, j = 1, start = 0 per dimension."""
        if x.dim() >= 3:
            spatial = tuple(x.shape[2:])
            self.set_field(x, Field(tuple(RFInfo(1, 1, 0) for _ in spatial), spatial))

    # ---- the two sources of ops ----
    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if inside_traced_op() or not _tensors(out):
            return out
        kind = _ops.canonical_name(getattr(func, "__name__", str(func)))
        if kind in ("get", "set"):  # property access (x.data, x.T)
            kind = "attribute"
        self.record(kind, _ops.bind(kind, args, kwargs), out)
        return out

    def listen(self, op_name: str, arguments: dict[str, Any], out: Any) -> None:
        """``reference._trace`` listener: a reference op ran with these bound arguments."""
        self.record(_ops.canonical_name(op_name), arguments, out)

    # ---- recording ----
    def record(self, kind: str, arguments: dict[str, Any], out: Any) -> None:
        inputs = [
            t for t in _tensors(list(arguments.values())) if not isinstance(t, torch.nn.Parameter)
        ]
        outputs = _tensors(out)
        if not outputs:
            return
        x = arguments.get("input", arguments.get("X", inputs[0] if inputs else None))
        x = x if isinstance(x, torch.Tensor) else None
        y = outputs[0]
        new = self._propagate(kind, arguments, inputs, x, y)
        returns_indices = kind.startswith(
            ("max_pool", "adaptive_max")
        )  # (values, indices): not the indices
        for t in outputs[:1] if returns_indices else outputs:
            self.set_field(t, new)
        record = OpRecord(
            kind,
            _ops.parameters(arguments),
            _ops.macs(kind, arguments, x, y),
            tuple(x.shape) if x is not None else None,
            tuple(y.shape),
            new,
        )
        top = self.stack[-1] if self.stack else None
        if top is not None and top.leaf:
            top.ops.append(record)
        elif _ops.is_layer(kind) or record.params:
            name = f"{top.name}.{kind}()" if top is not None and top.name else f"{kind}()"
            self.order.append((name, record))

    def _propagate(
        self, kind: str, a: dict[str, Any], inputs: list[torch.Tensor], x: Any, y: torch.Tensor
    ) -> Field | None:
        source = self.field_of(x) if x is not None else None
        if source is not None and source.spatial is not None:
            stepped = self._window_step(kind, a, source, x, y)
            if stepped is not None:
                return stepped
        fields = [f for f in (self.field_of(t) for t in inputs) if f is not None]
        if not fields:
            return None
        spatial = fields[0].spatial
        m = len(fields[0].dims)
        same_layout = (
            spatial is not None
            and y.dim() >= m
            and tuple(y.shape[-m:]) == spatial
            and all(f.spatial == spatial for f in fields)
        )
        if not same_layout:
            fields = [_globalize(f) for f in fields]
        dims = tuple(rf_union([f.dims[d] for f in fields]) for d in range(m))
        return Field(dims, spatial if same_layout else None)

    def _window_step(
        self, kind: str, a: dict[str, Any], f: Field, x: torch.Tensor, y: torch.Tensor
    ) -> Field | None:
        m = len(f.dims)
        if y.dim() < m:
            return None
        out_spatial = tuple(y.shape[-m:])
        if kind.startswith(("adaptive_", "global_")):
            return Field(
                tuple(
                    rf_adaptive_step(d, n, o)
                    for d, n, o in zip(f.dims, f.spatial or (), out_spatial, strict=True)
                ),
                out_spatial,
            )
        if kind == "pad":
            return self._pad_step(a, f, out_spatial)
        resample = _ops.resampling(kind, a)
        if resample is not None:
            taps, corners = resample
            dims = tuple(
                rf_resample_step(d, n, o, taps, corners)
                for d, n, o in zip(f.dims, f.spatial or (), out_spatial, strict=True)
            )
            return Field(dims, out_spatial)
        geometry = _ops.window(kind, a)
        if geometry is None or len(geometry.kernel_size) != m:
            return None
        step = rf_transposed_step if geometry.transposed else rf_step
        dims = tuple(
            step(d, k, s, p, dil)
            for d, k, s, p, dil in zip(
                f.dims,
                geometry.kernel_size,
                geometry.stride,
                geometry.padding,
                geometry.dilation,
                strict=True,
            )
        )
        return Field(dims, out_spatial)

    def _pad_step(self, a: dict[str, Any], f: Field, out_spatial: tuple[int, ...]) -> Field | None:
        pads = a.get("pad", ())
        m = len(f.dims)
        if pads and isinstance(
            pads[0], (tuple, list)
        ):  # reference layout: ((left, right), ...) for the last dims
            lefts = [0] * (m - len(pads)) + [int(p[0]) for p in pads]
        else:  # torch layout: (left_last, right_last, left_before_last, ...)
            lefts = [0] * m
            for i in range(len(pads) // 2):
                if i < m:
                    lefts[m - 1 - i] = int(pads[2 * i])
        dims = tuple(
            RFInfo(d.receptive_field, d.jump, d.start - left * d.jump)
            for d, left in zip(f.dims, lefts[-m:], strict=True)
        )
        return Field(dims, out_spatial)
