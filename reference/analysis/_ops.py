"""What one traced operation did: its kind, window geometry, parameters and MACs (for ``summarize``).

Both sources of operations land here with the same names: reference ops (``@traced("conv2d")``,
bound arguments) and torch functions seen by a ``TorchFunctionMode`` (positional arguments bound
with torch's argument order below). Counts come from ``counts.py``; nothing reads module attributes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from cnngrade.reference.analysis import counts
from cnngrade.reference.padding import resolve_padding


# torch's argument order for the functions whose arguments we read (builtins have no signature)
def _conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1): ...
def _conv_t(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
): ...
def _max_pool(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
): ...
def _avg_pool(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
): ...
def _adaptive(input, output_size, return_indices=False): ...
def _linear(input, weight, bias=None): ...
def _batch_norm(
    input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5
): ...
def _pad(input, pad, mode="constant", value=None): ...
def _interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
): ...


_SIGNATURES: dict[str, inspect.Signature] = {
    **{f"conv{m}d": inspect.signature(_conv) for m in (1, 2, 3)},
    **{f"conv_transpose{m}d": inspect.signature(_conv_t) for m in (1, 2, 3)},
    **{f"max_pool{m}d": inspect.signature(_max_pool) for m in (1, 2, 3)},
    **{f"avg_pool{m}d": inspect.signature(_avg_pool) for m in (1, 2, 3)},
    **{
        f"adaptive_{t}_pool{m}d": inspect.signature(_adaptive)
        for t in ("avg", "max")
        for m in (1, 2, 3)
    },
    "linear": inspect.signature(_linear),
    "batch_norm": inspect.signature(_batch_norm),
    "pad": inspect.signature(_pad),
    "interpolate": inspect.signature(_interpolate),
}

_ACTIVATIONS = {
    "relu",
    "relu6",
    "leaky_relu",
    "sigmoid",
    "tanh",
    "hardtanh",
    "hardsigmoid",
    "hard_sigmoid",
    "hardswish",
    "hard_swish",
    "gelu",
    "silu",
    "elu",
    "selu",
    "celu",
    "softmax",
    "log_softmax",
    "mish",
    "softplus",
    "prelu",
    "threshold",
    "rrelu",
    "logsigmoid",
    "softsign",
    "tanhshrink",
}
_NORMS = {"batch_norm", "layer_norm", "group_norm", "instance_norm", "local_response_norm"}
_DROPOUTS = {"dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_dropout"}
_RECURRENT = {"rnn_cell", "lstm_cell", "gru_cell", "rnn", "lstm", "gru", "rnn_tanh", "rnn_relu"}
_ARITHMETIC = {"add", "sub", "mul", "truediv", "floordiv", "matmul", "pow", "and", "or", "xor"}


def canonical_name(raw: str) -> str:
    """An op's name as a row shows it: ``__iadd__`` → ``add_``, ``_max_pool2d`` → ``max_pool2d``.

    >>> canonical_name("max_pool2d_with_indices"), canonical_name("__radd__"), canonical_name("rnn_tanh_cell")
    ('max_pool2d', 'add', 'rnn_cell')
    """
    name = raw
    if name.startswith("__") and name.endswith("__"):
        core = name[2:-2]
        if core[:1] == "i" and core[1:] in _ARITHMETIC:
            return core[1:] + "_"
        return core[1:] if core[:1] == "r" and core[1:] in _ARITHMETIC else core
    name = name.lstrip("_").removesuffix("_with_indices")
    return {
        "rnn_tanh_cell": "rnn_cell",
        "rnn_relu_cell": "rnn_cell",
        "feature_dropout": "dropout",
    }.get(name, name)


_LAYER_PREFIXES = (
    "conv",
    "max_pool",
    "avg_pool",
    "adaptive_",
    "global_",
    "linear",
    "depthwise",
    "pointwise",
    "spatially",
    "deform",
    "corr2d",
    "lp_pool",
    "max_unpool",
    "interpolate",
    "upsample",
)


def is_layer(kind: str) -> bool:
    """Ops that make a row even outside a leaf module (a functional ``F.relu`` in ``forward``)."""
    if kind.rstrip("_") in _ACTIVATIONS | _NORMS | _DROPOUTS | _RECURRENT:
        return True
    return kind.startswith(_LAYER_PREFIXES)


def bind(kind: str, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Name a torch function's arguments by torch's order (unknown functions: ``arg0``, ``arg1``, …)."""
    signature = _SIGNATURES.get(kind)
    if signature is not None:
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return dict(bound.arguments)
        except TypeError:
            pass
    return {**{f"arg{i}": a for i, a in enumerate(args)}, **kwargs}


@dataclass(frozen=True)
class Window:
    """A sliding-window op's geometry per spatial dimension (``transposed`` for conv_transpose)."""

    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]  # left (top) padding
    dilation: tuple[int, ...]
    transposed: bool = False


def _tuple(value: Any, n: int) -> tuple[int, ...]:
    if isinstance(value, (tuple, list, torch.Size)):
        return (
            tuple(int(v) for v in value)
            if len(value) == n
            else tuple(int(value[0]) for _ in range(n))
        )
    return (int(value),) * n


def _left_padding(
    padding: Any, kernel: tuple[int, ...], dilation: tuple[int, ...]
) -> tuple[int, ...]:
    return tuple(int(pair[0]) for pair in resolve_padding(padding, kernel, dilation, len(kernel)))


def window(kind: str, a: dict[str, Any]) -> Window | None:
    """The window geometry of a conv/pool op from its arguments, or None for other ops."""
    weight = next((a[k] for k in ("weight", "depthwise_weight", "kernel", "K") if k in a), None)
    convolution = kind.startswith(("conv", "depthwise", "deform", "spatially", "corr2d"))
    if convolution and isinstance(weight, torch.Tensor):
        kernel = tuple(weight.shape[2:]) if weight.dim() > 2 else tuple(weight.shape)
        n = len(kernel)
        dilation = _tuple(a.get("dilation", 1), n)
        padding = a.get("mode", "valid") if kind == "convolve2d" else a.get("padding", 0)
        left = (
            _tuple(padding, n)
            if kind.startswith("conv_transpose")
            else _left_padding(padding, kernel, dilation)
        )
        return Window(
            kernel, _tuple(a.get("stride", 1), n), left, dilation, kind.startswith("conv_transpose")
        )
    if kind.startswith(("max_pool", "avg_pool")) and "kernel_size" in a:
        n = int(kind[-2])
        kernel = _tuple(a["kernel_size"], n)
        stride = a.get("stride")
        stride = kernel if stride is None or stride == [] or stride == () else _tuple(stride, n)
        return Window(
            kernel, stride, _tuple(a.get("padding", 0), n), _tuple(a.get("dilation", 1), n)
        )
    return None


_TAPS = {
    "nearest": 1,
    "nearest-exact": 1,
    "linear": 2,
    "bilinear": 2,
    "trilinear": 2,
    "bicubic": 4,
    "area": 1,
}


def resampling(kind: str, a: dict[str, Any]) -> tuple[int, bool] | None:
    """``(taps, align_corners)`` of an up/down-sampling op (interpolate, max-unpooling), else None."""
    if kind == "interpolate":
        return _TAPS.get(str(a.get("mode", "nearest")), 1), bool(a.get("align_corners"))
    if kind.startswith(("max_unpool", "upsample")):
        return (2 if "linear" in kind else 1), False
    return None


def parameters(a: dict[str, Any]) -> list[torch.nn.Parameter]:
    """The trainable tensors (``nn.Parameter``) an op used, in argument order."""
    found: list[torch.nn.Parameter] = []
    for value in a.values():
        items = value if isinstance(value, (list, tuple)) else (value,)
        found += [v for v in items if isinstance(v, torch.nn.Parameter)]
    return found


def _rows(t: torch.Tensor, features: int) -> int:
    return t.numel() // features if features else 0


def macs(
    kind: str, a: dict[str, Any], input: torch.Tensor | None, output: torch.Tensor | None
) -> int:
    """Multiply-accumulates of one op on its real shapes, by ``counts.py`` (0 for MAC-free ops)."""
    if input is None or output is None:
        return 0
    a = {**a, "_kind": kind}
    rule = _MAC_RULES.get(kind)
    if rule is None:
        for prefix, candidate in _PREFIX_RULES:
            if kind.startswith(prefix):
                rule = candidate
                break
    return int(rule(a, input, output)) if rule is not None else 0


def _conv_macs(a: dict[str, Any], x: torch.Tensor, y: torch.Tensor) -> int:
    w = a["weight"]
    m = w.dim() - 2
    groups = int(a.get("groups", 1))
    per_sample = counts.conv_macs(
        w.shape[1] * groups, w.shape[0], tuple(w.shape[2:]), tuple(y.shape[-m:]), groups
    )
    return per_sample * (y.numel() // (w.shape[0] * _prod(y.shape[-m:])))


def _conv_transpose_macs(a: dict[str, Any], x: torch.Tensor, y: torch.Tensor) -> int:
    w = a["weight"]
    m = w.dim() - 2
    groups = int(a.get("groups", 1))
    per_sample = counts.conv_transpose_macs(
        w.shape[0], w.shape[1] * groups, tuple(w.shape[2:]), tuple(x.shape[-m:]), groups
    )
    return per_sample * (x.numel() // (w.shape[0] * _prod(x.shape[-m:])))


def _separable_macs(a: dict[str, Any], x: torch.Tensor, y: torch.Tensor) -> int:
    dw, pw = a["depthwise_weight"], a["pointwise_weight"]
    out = tuple(y.shape[-2:])
    c_in = x.shape[-3]
    per_sample = counts.conv_macs(c_in, dw.shape[0], tuple(dw.shape[2:]), out, groups=c_in)
    per_sample += counts.conv_macs(dw.shape[0], pw.shape[0], (1, 1), out)
    return per_sample * (y.numel() // (pw.shape[0] * _prod(out)))


def _spatially_separable_macs(a: dict[str, Any], x: torch.Tensor, y: torch.Tensor) -> int:
    """Column pass then row pass over each channel of the padded input (``counts.spatially_separable_macs``)."""
    kernel = tuple(a["kernel"].shape[-2:])
    pairs = resolve_padding(a.get("padding", 0), kernel, _tuple(a.get("dilation", 1), 2), 2)
    padded = tuple(
        int(n) + int(left) + int(right)
        for n, (left, right) in zip(x.shape[-2:], pairs, strict=True)
    )
    per_map = counts.spatially_separable_macs(padded, kernel, _tuple(a.get("stride", 1), 2))
    return per_map * (x.numel() // _prod(x.shape[-2:]))


def _avg_pool_macs(a: dict[str, Any], x: torch.Tensor, y: torch.Tensor) -> int:
    m = int(a["_kind"][-2])
    kernel = _tuple(a["kernel_size"], m)
    channels_and_batch = y.numel() // _prod(y.shape[-m:])
    return counts.avg_pool_macs(channels_and_batch, kernel, tuple(y.shape[-m:]))


def _adaptive_avg_macs(a: dict[str, Any], x: torch.Tensor, y: torch.Tensor) -> int:
    """Sum of torch's adaptive window sizes: ``⌈(i+1) n / o⌉ - ⌊i n / o⌋`` per output, per dimension."""
    m = y.dim() - 2 if y.dim() > 2 else 1
    total = y.numel() // _prod(y.shape[-m:])
    for n, o in zip(x.shape[-m:], y.shape[-m:], strict=True):
        total *= sum(-((-(i + 1) * n) // o) - (i * n // o) for i in range(o))
    return total


def _recurrent_macs(a: dict[str, Any], x: torch.Tensor, y: torch.Tensor) -> int:
    """Each input vector goes through every weight matrix once: ``rows × Σ numel(W)`` (gates × H × (I + H))."""
    named = [
        v for k, v in a.items() if k.startswith("w_") and isinstance(v, torch.Tensor)
    ]  # reference cells
    matrices = named or [
        p for p in parameters(a) if p.dim() == 2
    ]  # torch: the weights are Parameters
    if not matrices:
        return 0
    features = matrices[0].shape[1]
    return _rows(x, features) * sum(w.numel() for w in matrices)


def _prod(values: Any) -> int:
    out = 1
    for v in values:
        out *= int(v)
    return out


_MAC_RULES: dict[str, Callable[[dict[str, Any], torch.Tensor, torch.Tensor], int]] = {
    "linear": lambda a, x, y: counts.linear_macs(
        a["weight"].shape[1], a["weight"].shape[0], _rows(x, a["weight"].shape[1])
    ),
    "batch_norm": lambda a, x, y: x.numel(),
    "layer_norm": lambda a, x, y: x.numel() if a.get("weight") is not None else 0,
    "group_norm": lambda a, x, y: x.numel() if a.get("weight") is not None else 0,
    "depthwise_separable_conv2d": _separable_macs,
    "global_avg_pool2d": lambda a, x, y: x.numel(),
    "corr2d": lambda a, x, y: y.numel() * a["K"].numel(),
    # hand-written layers: every output element is a dot product over the shared (inner) dimension
    "matmul": lambda a, x, y: y.numel() * x.shape[-1],
    "mm": lambda a, x, y: y.numel() * x.shape[-1],
    "bmm": lambda a, x, y: y.numel() * x.shape[-1],
    "addmm": lambda a, x, y: y.numel() * a["arg1"].shape[-1],
    "convolve2d": lambda a, x, y: y.numel() * a["kernel"].numel(),
    "spatially_separable_conv2d": _spatially_separable_macs,
}
_PREFIX_RULES: tuple[
    tuple[str, Callable[[dict[str, Any], torch.Tensor, torch.Tensor], int]], ...
] = (
    ("conv_transpose", _conv_transpose_macs),
    ("conv", _conv_macs),
    ("depthwise_conv", _conv_macs),
    (
        "pointwise_conv",
        lambda a, x, y: counts.linear_macs(
            x.shape[-3], a["weight"].shape[0], x.numel() // x.shape[-3]
        ),
    ),
    ("deform_conv", _conv_macs),
    ("avg_pool", _avg_pool_macs),
    ("adaptive_avg_pool", _adaptive_avg_macs),
    ("rnn", _recurrent_macs),
    ("lstm", _recurrent_macs),
    ("gru", _recurrent_macs),
)
