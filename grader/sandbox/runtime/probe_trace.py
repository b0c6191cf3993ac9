"""What a module's forward pass *does*: the ops it runs, the parameters each uses, the data flow.

One tracer serves both sides. In the child it watches the student's block through a
``TorchFunctionMode`` (``nn.Conv2d`` ends in ``F.conv2d``, ``nn.ReLU`` in ``F.relu``, ``x + y`` in
``Tensor.__add__`` ...). In the grader it watches a reference block whose leaves (``reference.nn``
layers, built from lower-level torch calls) are recorded as one op each through forward hooks.

An op is plain data: ``kind`` (``conv2d``, ``batch_norm``, ``linear``, ``relu``, ``add``, ``cat`` ...),
``params`` ({slot: parameter or buffer name} for the model's own tensors it used, e.g. ``weight``,
``bias``, ``running_mean``), ``shapes`` ({slot: shape}), ``inputs`` (the ops that produced its tensor
arguments: an op index, ``-1`` for the block input, ``-2`` for anything else), ``attrs``
(hyper-parameters: stride, padding, a scalar operand ...) and ``out_shape``. Shape-only ops (view,
flatten, reshape ...) are not recorded; data flows through them to their input's producer.
"""

from __future__ import annotations

import hashlib

import torch
from torch.overrides import TorchFunctionMode

#: torch function name -> op kind (names not listed are shape/bookkeeping ops, not recorded).
KINDS = {
    **{n: "conv2d" for n in ("conv2d", "conv1d", "conv3d")},
    "conv_transpose2d": "conv_transpose2d", "linear": "linear", "batch_norm": "batch_norm",
    "layer_norm": "layer_norm", "group_norm": "group_norm", "instance_norm": "instance_norm",
    **{n: "relu" for n in ("relu", "relu_", "threshold", "threshold_")},
    **{n: "sigmoid" for n in ("sigmoid", "sigmoid_")}, **{n: "tanh" for n in ("tanh", "tanh_")},
    **{n: n.rstrip("_") for n in ("relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "gelu", "silu",
                                  "mish", "hardtanh", "hardtanh_", "hardsigmoid", "hardswish",
                                  "softplus", "softmax", "log_softmax", "selu", "celu", "prelu")},
    **{n: "max_pool2d" for n in ("max_pool2d", "_max_pool2d", "max_pool2d_with_indices")},
    "avg_pool2d": "avg_pool2d", "adaptive_avg_pool2d": "adaptive_avg_pool2d",
    "adaptive_max_pool2d": "adaptive_max_pool2d", "dropout": "dropout", "pad": "pad",
    **{n: "cat" for n in ("cat", "concat", "concatenate")}, "stack": "stack",
    **{n: "add" for n in ("add", "add_", "__add__", "__radd__", "__iadd__")},
    **{n: "sub" for n in ("sub", "sub_", "__sub__", "__rsub__", "__isub__", "rsub")},
    **{n: "mul" for n in ("mul", "mul_", "__mul__", "__rmul__", "__imul__")},
    **{n: "div" for n in ("div", "div_", "__truediv__", "__rtruediv__", "__itruediv__")},
    **{n: "neg" for n in ("neg", "__neg__")},
    **{n: "abs" for n in ("abs", "__abs__")}, "clamp": "clamp", "clip": "clamp",
}  # fmt: skip
#: positional parameter names after ``input`` of the parametrized functionals.
SLOTS = {
    "conv2d": ("weight", "bias"), "linear": ("weight", "bias"), "conv_transpose2d": ("weight", "bias"),
    "batch_norm": ("running_mean", "running_var", "weight", "bias"),
    "layer_norm": ("normalized_shape", "weight", "bias"), "group_norm": ("num_groups", "weight", "bias"),
    "prelu": ("weight",),
}  # fmt: skip
#: positional hyper-parameter names after the slots, for explanations.
HYPER = {
    "conv2d": ("stride", "padding", "dilation", "groups"),
    "max_pool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "avg_pool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
    "batch_norm": ("training", "momentum", "eps"), "cat": ("dim",), "leaky_relu": ("negative_slope",),
}  # fmt: skip
#: reference leaf class name -> op kind (the grader's reference blocks, one op per leaf).
LEAF_KINDS = {
    "Conv2d": "conv2d", "Linear": "linear", "BatchNorm2d": "batch_norm", "ReLU": "relu",
    "Sigmoid": "sigmoid", "Tanh": "tanh", "MaxPool2d": "max_pool2d", "AvgPool2d": "avg_pool2d",
    "AdaptiveAvgPool2d": "adaptive_avg_pool2d", "Dropout": "dropout",
}  # fmt: skip
_LEAF_ATTRS = ("kernel_size", "stride", "padding", "dilation", "groups", "eps", "momentum")
MAX_OPS = 400
ACTIVATIONS = frozenset(("relu", "sigmoid", "tanh", "relu6", "leaky_relu", "elu", "gelu", "silu", "mish",
                         "hardtanh", "hardsigmoid", "hardswish", "softplus", "selu", "celu", "prelu"))  # fmt: skip


def _plain(value):
    """A JSON-friendly, bounded copy of a hyper-parameter."""
    if isinstance(value, torch.Tensor):
        return float(value) if value.numel() == 1 else list(value.shape)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value[:8]]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value if not isinstance(value, str) else value[:40]
    return type(value).__name__[:40]


def _tensors(value, depth: int = 0):
    """The tensors in an argument (lists/tuples one level deep, as ``torch.cat`` takes them)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)) and depth == 0:
        return [t for v in value for t in _tensors(v, 1)]
    return []


def key(t: torch.Tensor) -> tuple[int, int]:
    """A tensor's identity at this moment: in-place ops bump its version."""
    return (id(t), t._version)


class OpTracer(TorchFunctionMode):
    """Record the ops of one forward pass of ``model`` (see the module docstring).

    ``keep``: also keep float64 copies of every parametrized op's data input and output
    (``values[i] = (input, output)``) and of every ``cat`` output. ``leaves``: record these
    modules as one op each (the grader's reference blocks).
    """

    def __init__(self, model: torch.nn.Module, keep: bool = False, leaves: bool = False) -> None:
        super().__init__()
        named = list(model.named_parameters()) + list(model.named_buffers())
        self.names = {id(t): name for name, t in named}
        self.keep = keep
        self.ops: list[dict] = []
        self.values: dict[int, tuple] = {}
        self.producer: dict[tuple[int, int], int] = {}
        self.alive: list[torch.Tensor] = []
        self.depth = 0
        self.handles = []
        if leaves:
            for mod in model.modules():
                if type(mod).__name__ in LEAF_KINDS and not list(mod.children()):
                    self.handles += [mod.register_forward_pre_hook(self._enter),
                                     mod.register_forward_hook(self._leave)]  # fmt: skip

    def close(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []

    def start(self, x: torch.Tensor) -> None:
        """Mark ``x`` as the block input."""
        self.alive.append(x)
        self.producer[key(x)] = -1

    def source(self, t: torch.Tensor) -> int:
        return self.producer.get(key(t), -2)

    # -- leaves (reference blocks) -------------------------------------------------------------
    def _enter(self, mod, args) -> None:
        self.depth += 1
        first = args[0] if args and isinstance(args[0], torch.Tensor) else None
        mod._cnngrade_in = (first, self.source(first) if first is not None else -2)
        if self.keep and first is not None:
            mod._cnngrade_in_value = first.detach().to(torch.float64, copy=True).cpu()

    def _leave(self, mod, args, output) -> None:
        self.depth -= 1
        first, src = mod._cnngrade_in
        kind = LEAF_KINDS[type(mod).__name__]
        slots = {s: getattr(mod, s, None) for s in SLOTS.get(kind, ())}
        params = {s: self.names[id(t)] for s, t in slots.items() if isinstance(t, torch.Tensor) and id(t) in self.names}  # fmt: skip
        attrs = {a: _plain(getattr(mod, a)) for a in _LEAF_ATTRS if hasattr(mod, a)}
        if kind == "conv2d":
            attrs["kernel"] = list(mod.weight.shape[2:])
        self._add(kind, params, slots, [src], attrs, output,
                  getattr(mod, "_cnngrade_in_value", None), [first])  # fmt: skip

    # -- torch functions (student blocks, and the glue in a reference block's forward) --------
    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001 - torch protocol
        kwargs = kwargs or {}
        if self.depth > 0 or len(self.ops) >= MAX_OPS:
            return func(*args, **kwargs)
        name = getattr(func, "__name__", "")
        kind = KINDS.get(name)
        data = [t for a in args for t in _tensors(a)] + [t for v in kwargs.values() for t in _tensors(v)]  # fmt: skip
        sources = [self.source(t) for t in data if id(t) not in self.names]
        in_value = None
        if kind is not None and self.keep and kind in SLOTS and data:
            in_value = data[0].detach().to(torch.float64, copy=True).cpu()
        out = func(*args, **kwargs)
        if not isinstance(out, torch.Tensor):
            return out
        if kind is None:  # shape ops: data flows through to the input's producer
            if data and sources:
                self.alive.append(out)
                self.producer[key(out)] = sources[0]
            return out
        slots = dict(zip(SLOTS.get(kind, ()), args[1:], strict=False))
        slots.update({k: v for k, v in kwargs.items() if k in SLOTS.get(kind, ())})
        params = {s: self.names[id(t)] for s, t in slots.items() if isinstance(t, torch.Tensor) and id(t) in self.names}  # fmt: skip
        extra = [
            t for t in data if id(t) in self.names and self.names[id(t)] not in params.values()
        ]
        params.update({f"p{i}": self.names[id(t)] for i, t in enumerate(extra)})
        slots.update({f"p{i}": t for i, t in enumerate(extra)})
        attrs = self._attrs(kind, name, args, kwargs)
        first_data = [t for t in data if id(t) not in self.names][:1]
        self._add(kind, params, slots, sources, attrs, out, in_value, first_data)
        return out

    @staticmethod
    def _attrs(kind: str, name: str, args, kwargs) -> dict:
        start = 1 + len(SLOTS.get(kind, ()))
        attrs = dict(zip(HYPER.get(kind, ()), (_plain(a) for a in args[start:]), strict=False))
        attrs.update({k: _plain(v) for k, v in kwargs.items() if k in HYPER.get(kind, ()) or k == "inplace"})  # fmt: skip
        scalars = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
        if kind in ("add", "sub", "mul", "div") and scalars:
            attrs["scalar"] = float(scalars[0])
        if kind in ("add", "sub", "mul", "div") and name.startswith("__r"):
            attrs["reflected"] = True
        if kind == "cat" and len(args) > 1:
            attrs.setdefault("dim", _plain(args[1]))
        return attrs

    def _add(self, kind, params, slots, sources, attrs, out, in_value, firsts) -> None:
        index = len(self.ops)
        shapes = {s: list(slots[s].shape) for s in params}
        self.ops.append({"kind": kind, "params": params, "shapes": shapes, "inputs": sources,
                         "attrs": attrs, "out_shape": list(out.shape) if isinstance(out, torch.Tensor) else []})  # fmt: skip
        if isinstance(out, torch.Tensor):
            self.alive.append(out)
            self.producer[key(out)] = index
            if self.keep and (params or kind == "cat"):
                got = out.detach().to(torch.float64, copy=True).cpu()
                self.values[index] = (in_value, got)
        self.alive += [t for t in firsts if t is not None]


def signature(op: dict) -> tuple:
    """What must agree for two parametrized ops to share weights: kind and parameter shapes."""
    return (op["kind"], tuple(sorted((s, tuple(v)) for s, v in op["shapes"].items())))


def parametrized(ops: list[dict]) -> list[int]:
    """Indices of the ops that use the model's parameters or buffers, in use order."""
    return [i for i, op in enumerate(ops) if op["params"]]


def ancestors(ops: list[dict]) -> list[list[int]]:
    """For each op, the nearest parametrized ops its data comes from (``-1``: the block input),
    looking through parameter-free ops (activations, pooling, ``+``, ``cat`` ...)."""
    memo: dict[int, frozenset] = {}

    def through(i: int) -> frozenset:
        if i < 0:
            return frozenset([-1]) if i == -1 else frozenset()
        if ops[i]["params"]:
            return frozenset([i])
        if i not in memo:
            memo[i] = frozenset()  # a cycle cannot happen in a trace; this guards bad input
            memo[i] = frozenset().union(*(through(j) for j in ops[i]["inputs"] if j < i))
        return memo[i]

    return [sorted(frozenset().union(*(through(j) for j in op["inputs"] if j < i))) for i, op in enumerate(ops)]  # fmt: skip


def _digest(value) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()


def refined(sigs: list, after: list[list[int]], paths: list | None = None) -> list[str]:
    """Signatures refined by place in the data flow: the refined signatures of the ops feeding
    each one (positions into ``sigs``; ``-1`` the input), the kinds of parameter-free ops on the
    way (``paths``), and the signatures of the ops it feeds. Ops in the same place get the same.
    Each refined signature is a fixed-size digest, so deep or wide graphs stay linear in size."""
    memo: dict[int, str] = {}
    paths = paths or [()] * len(sigs)

    def up(p: int) -> str:
        if p < 0:
            return "input"
        if p not in memo:
            memo[p] = "?"  # positions only point backwards; this guards a malformed list
            feeds = sorted(up(a) for a in after[p] if a < p)
            memo[p] = _digest((sigs[p], feeds, tuple(paths[p])))
        return memo[p]

    for p in range(len(sigs)):  # feeding ops first: no deep recursion
        up(p)
    down = [sorted(memo[q] for q in range(len(sigs)) if p in after[q]) for p in range(len(sigs))]
    return [_digest((memo[p], down[p])) for p in range(len(sigs))]


def path_kinds(ops: list[dict], t: int) -> tuple[str, ...]:
    """The kinds of the parameter-free ops between op ``t`` and the parametrized ops feeding it."""
    kinds, stack, seen = set(), [j for j in ops[t]["inputs"] if 0 <= j < t], set()
    while stack:
        j = stack.pop()
        if j in seen or ops[j]["params"]:
            continue
        seen.add(j)
        kinds.add(ops[j]["kind"])
        stack += [i for i in ops[j]["inputs"] if 0 <= i < j]
    return tuple(sorted(kinds))


def tied_view(ops: list[dict]) -> tuple[list[int], list, list[list[int]], list[tuple[str, ...]]]:
    """(trace indices of the parametrized ops, their signatures, their parametrized ancestors as
    positions in that list (``-1`` the input), the parameter-free op kinds before each)."""
    tied = parametrized(ops)
    pos = {t: p for p, t in enumerate(tied)}
    feeds = ancestors(ops)
    after = [[pos[a] if a >= 0 else -1 for a in feeds[t] if a < 0 or a in pos] for t in tied]
    return tied, [signature(ops[t]) for t in tied], after, [path_kinds(ops, t) for t in tied]
