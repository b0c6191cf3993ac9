"""Output shapes of one layer: convolution, dilated convolution, transposed convolution.

Parameters are built valid directly: pick the output size, stride, kernel and padding first, then
derive the input size ``n = (out - 1) s + span - 2p + r`` with a remainder ``0 <= r < s`` (the part
the floor throws away). Every answer comes from ``reference.analysis.sizes``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from exercises.core import AnswerSpec, Exercise, Lang, Misconception, Text
from exercises.render import answer_line, shape_text
from reference.analysis.sizes import (
    conv_output_size,
    conv_transpose_output_size,
    effective_kernel_size,
)

SHAPE = AnswerSpec(kind="shape", partial="per_dimension")
_BATCHES = (1, 2, 4, 8, 16, 32)
_CHANNELS = (1, 3, 8, 16, 32, 64)
_OUT_CHANNELS = (6, 8, 16, 32, 64, 96, 128)


def _pick(rng: np.random.Generator, options: tuple[int, ...]) -> int:
    return int(options[int(rng.integers(len(options)))])


def _arg(name: str, pair: list[int]) -> str:
    """``name=3`` for a square setting, ``name=(3, 5)`` otherwise."""
    return f"{name}={pair[0]}" if pair[0] == pair[1] else f"{name}=({pair[0]}, {pair[1]})"


def _maybe(rule: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """A wrong rule that yields an impossible layer is "not applicable" (None)."""

    def wrapped(params: dict[str, Any]) -> Any:
        try:
            return rule(params)
        except ValueError:
            return None

    return wrapped


def _per_dim(params: dict[str, Any], size: Callable[..., int]) -> list[int]:
    """``[N, C_out, size(H-params), size(W-params)]`` from per-dimension parameter lists."""
    keys = [k for k in ("kernel", "stride", "padding", "dilation", "output_padding") if k in params]
    dims = [size(params["input"][2 + i], *[params[k][i] for k in keys]) for i in range(2)]
    return [params["input"][0], params.get("out_channels", params["input"][1]), *dims]


def _dim(
    rng: np.random.Generator, difficulty: int, pad_max: int, span: int
) -> tuple[int, int, int]:
    """(input size, stride, padding) for one dimension, valid by construction."""
    stride = 1 if difficulty == 1 else int(rng.integers(1, 4))
    padding = int(rng.integers(0, pad_max + 1)) if difficulty > 1 else _pick(rng, (0, pad_max))
    out = int(rng.integers(3, 29))
    rest = int(rng.integers(0, stride)) if difficulty == 3 else 0
    return (out - 1) * stride + span - 2 * padding + rest, stride, padding


def _layer_params(
    rng: np.random.Generator,
    difficulty: int,
    kernels: tuple[int, ...],
    dilations: tuple[int, ...] = (1,),
) -> dict[str, Any]:
    """Input shape and per-dimension (kernel, stride, padding, dilation); rectangular at difficulty 3."""
    square = difficulty < 3
    k = [_pick(rng, kernels)] * 2 if square else [_pick(rng, kernels), _pick(rng, kernels)]
    d = [_pick(rng, dilations)] * 2
    dims = []
    for i in range(1 if square else 2):
        span = effective_kernel_size(k[i], d[i])
        dims.append(_dim(rng, difficulty, (span - 1) // 2, span))
    sizes, strides, pads = (list(v) for v in zip(*(dims * 2 if square else dims), strict=True))
    batch, channels = _pick(rng, _BATCHES), _pick(rng, _CHANNELS)
    return {
        "input": [batch, channels, *sizes],
        "kernel": k,
        "stride": strides,
        "padding": pads,
        "dilation": d,
    }


# ---------------------------------------------------------------- convolution (incl. dilated)


def _gen_conv(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    params = _layer_params(rng, difficulty, (1, 3, 5, 7) if difficulty > 1 else (3, 5))
    return {**params, "out_channels": _pick(rng, _OUT_CHANNELS)}


def _gen_dilated(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    params = _layer_params(rng, difficulty, (3, 5) if difficulty > 1 else (3,), (2, 3, 4))
    return {**params, "out_channels": _pick(rng, _OUT_CHANNELS)}


def _conv_answer(params: dict[str, Any]) -> list[int]:
    return _per_dim(params, conv_output_size)


def _conv_code(params: dict[str, Any]) -> str:
    args = [
        str(params["input"][1]),
        str(params["out_channels"]),
        _arg("kernel_size", params["kernel"]),
    ]
    defaults = {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1]}
    args += [
        _arg(name, params[name]) for name, default in defaults.items() if params[name] != default
    ]
    return f"nn.Conv2d({', '.join(args)})"


_ASK = Text(
    "An input of shape $(N, C, H, W) = {shape}$ passes through `{code}`. What is the output shape $(N, C, H_{{out}}, W_{{out}})$?",
    "形状为 $(N, C, H, W) = {shape}$ 的输入经过 `{code}`。输出的形状 $(N, C, H_{{out}}, W_{{out}})$ 是多少？",
)


def _conv_prompt(params: dict[str, Any], lang: Lang) -> str:
    return _ASK.format(shape=shape_text(params["input"]), code=_conv_code(params))(lang)


def _conv_dim_line(name: str, n: int, k: int, s: int, p: int, d: int) -> str:
    span = f"{d} \\cdot ({k} - 1) - 1" if d > 1 else f"{k}"
    out = conv_output_size(n, k, s, p, d)
    return f"$${name}_{{out}} = \\left\\lfloor \\frac{{{n} + 2 \\cdot {p} - {span}}}{{{s}}} \\right\\rfloor + 1 = {out}$$"


_CONV_RULE = Text(
    "Each spatial size follows $\\lfloor (n + 2p - d(k - 1) - 1)/s \\rfloor + 1$; the channel count becomes $C_{{out}} = {c}$ and the batch stays {b}.",
    "每个空间维度按 $\\lfloor (n + 2p - d(k - 1) - 1)/s \\rfloor + 1$ 计算；通道数变为 $C_{{out}} = {c}$，批大小 {b} 不变。",
)


def _conv_solution(params: dict[str, Any], lang: Lang) -> str:
    n, k, s, p, d = (params[key] for key in ("input", "kernel", "stride", "padding", "dilation"))
    lines = [_CONV_RULE.format(c=params["out_channels"], b=n[0])(lang)]
    lines += [_conv_dim_line(name, n[2 + i], k[i], s[i], p[i], d[i]) for i, name in enumerate("HW")]
    lines.append(answer_line(_conv_answer(params), SHAPE, lang))
    return "\n\n".join(lines)


def _conv_wrong(rule: Callable[[int, int, int, int, int], int]) -> Callable[[dict[str, Any]], Any]:
    return _maybe(lambda params: _per_dim(params, rule))


_CONV_MISCONCEPTIONS = (
    Misconception(
        "no_plus_one",
        Text(
            "You forgot the +1: the first window position counts as an output too.",
            "漏掉了 +1：第一个窗口位置本身也产生一个输出。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, s, p, d) - 1),
    ),
    Misconception(
        "padding_once",
        Text(
            "Padding is added on both sides: use $n + 2p$, not $n + p$.",
            "填充加在两侧：应为 $n + 2p$，而不是 $n + p$。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, s, (p, 0), d)),
    ),
    Misconception(
        "stride_ignored",
        Text(
            "Divide by the stride: the window jumps $s$ positions at a time.",
            "要除以步幅：窗口每次移动 $s$ 个位置。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, 1, p, d)),
    ),
    Misconception(
        "ceil_instead_of_floor",
        Text(
            "Round down: a window that does not fit entirely is not computed.",
            "应向下取整：放不下的最后一个窗口不计算。",
        ),
        _conv_wrong(lambda n, k, s, p, d: -((effective_kernel_size(k, d) - n - 2 * p) // s) + 1),
    ),
    Misconception(
        "channels_unchanged",
        Text(
            "The output has one channel per filter: $C_{out}$, not $C_{in}$.",
            "输出通道数等于卷积核个数 $C_{out}$，而不是 $C_{in}$。",
        ),
        lambda params: [params["input"][0], params["input"][1], *_conv_answer(params)[2:]],
    ),
    Misconception(
        "dilation_ignored",
        Text(
            "A dilated kernel spans $d(k - 1) + 1$ inputs, not $k$.",
            "空洞卷积核覆盖 $d(k - 1) + 1$ 个输入，而不是 $k$ 个。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, s, p, 1)),
    ),
)


# ---------------------------------------------------------------- transposed convolution


def _gen_transpose(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    k = _pick(rng, (2, 3, 4, 5))
    stride = _pick(rng, (1, 2) if difficulty == 1 else (2, 3))
    padding = 0 if difficulty == 1 else int(rng.integers(0, (k - 1) // 2 + 1))
    out_pad = int(rng.integers(0, stride)) if difficulty == 3 else 0
    n = int(rng.integers(2, 33))
    return {
        "input": [_pick(rng, _BATCHES), _pick(rng, _CHANNELS), n, n],
        "out_channels": _pick(rng, _OUT_CHANNELS),
        "kernel": [k, k],
        "stride": [stride, stride],
        "padding": [padding, padding],
        "output_padding": [out_pad, out_pad],
    }


def _transpose_answer(params: dict[str, Any]) -> list[int]:
    return _per_dim(params, lambda n, k, s, p, op: conv_transpose_output_size(n, k, s, p, op))


def _transpose_prompt(params: dict[str, Any], lang: Lang) -> str:
    args = [
        str(params["input"][1]),
        str(params["out_channels"]),
        _arg("kernel_size", params["kernel"]),
        _arg("stride", params["stride"]),
    ]
    args += [
        _arg(name, params[name]) for name in ("padding", "output_padding") if any(params[name])
    ]
    return _ASK.format(
        shape=shape_text(params["input"]), code=f"nn.ConvTranspose2d({', '.join(args)})"
    )(lang)


_TRANSPOSE_RULE = Text(
    "A transposed convolution inverts the size rule of a convolution: $(n - 1)s - 2p + k + \\text{{output\\_padding}}$; channels become {c}.",
    "转置卷积把卷积的尺寸公式反过来：$(n - 1)s - 2p + k + \\text{{output\\_padding}}$；通道数变为 {c}。",
)


def _transpose_solution(params: dict[str, Any], lang: Lang) -> str:
    n, k, s, p, op = (
        params[key] for key in ("input", "kernel", "stride", "padding", "output_padding")
    )
    lines = [_TRANSPOSE_RULE.format(c=params["out_channels"])(lang)]
    for i, name in enumerate("HW"):
        out = conv_transpose_output_size(n[2 + i], k[i], s[i], p[i], op[i])
        lines.append(
            f"$${name}_{{out}} = ({n[2 + i]} - 1) \\cdot {s[i]} - 2 \\cdot {p[i]} + {k[i]} + {op[i]} = {out}$$"
        )
    lines.append(answer_line(_transpose_answer(params), SHAPE, lang))
    return "\n\n".join(lines)


_TRANSPOSE_MISCONCEPTIONS = (
    Misconception(
        "used_conv_formula",
        Text(
            "A transposed convolution upsamples: use $(n - 1)s - 2p + k$, not the convolution formula.",
            "转置卷积是上采样：应使用 $(n - 1)s - 2p + k$，而不是卷积的公式。",
        ),
        _maybe(
            lambda params: _per_dim(params, lambda n, k, s, p, op: conv_output_size(n, k, s, p))
        ),
    ),
    Misconception(
        "n_times_stride",
        Text(
            "There are $n - 1$ gaps between $n$ inputs: $(n - 1)s$, then add the kernel.",
            "$n$ 个输入之间只有 $n - 1$ 个间隔：$(n - 1)s$，再加上卷积核。",
        ),
        _maybe(lambda params: _per_dim(params, lambda n, k, s, p, op: n * s - 2 * p + op)),
    ),
    Misconception(
        "padding_added",
        Text(
            "In a transposed convolution padding removes $2p$ from the output.",
            "转置卷积中的 padding 会让输出减少 $2p$。",
        ),
        lambda params: _per_dim(
            params, lambda n, k, s, p, op: conv_transpose_output_size(n, k, s, 0, op) + 2 * p
        ),
    ),
    Misconception(
        "output_padding_ignored",
        Text(
            "output_padding adds that many rows/columns on one side.",
            "output_padding 会在一侧额外增加相应的行/列。",
        ),
        lambda params: _per_dim(
            params, lambda n, k, s, p, op: conv_transpose_output_size(n, k, s, p)
        ),
    ),
)


def _exercise(
    id_: str,
    en: str,
    zh: str,
    generate: Any,
    prompt: Any,
    answer: Any,
    solution: Any,
    misconceptions: tuple[Misconception, ...],
) -> Exercise:
    return Exercise(
        id=id_,
        topic="output_size",
        title=Text(en, zh),
        generate=generate,
        prompt=prompt,
        answer=answer,
        solution=solution,
        spec=SHAPE,
        misconceptions=misconceptions,
    )


EXERCISES = (
    _exercise(
        "conv_output_shape",
        "Output shape of a convolution",
        "卷积层的输出形状",
        _gen_conv,
        _conv_prompt,
        _conv_answer,
        _conv_solution,
        _CONV_MISCONCEPTIONS[:5],
    ),
    _exercise(
        "dilated_output_shape",
        "Output shape of a dilated convolution",
        "空洞卷积的输出形状",
        _gen_dilated,
        _conv_prompt,
        _conv_answer,
        _conv_solution,
        _CONV_MISCONCEPTIONS,
    ),
    _exercise(
        "conv_transpose_output_shape",
        "Output shape of a transposed convolution",
        "转置卷积的输出形状",
        _gen_transpose,
        _transpose_prompt,
        _transpose_answer,
        _transpose_solution,
        _TRANSPOSE_MISCONCEPTIONS,
    ),
)
