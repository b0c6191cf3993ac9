"""Output shape of a transposed convolution: ``(n - 1) s - 2p + d (k - 1) + output_padding + 1``.

Every answer comes from ``reference.analysis.sizes.conv_transpose_output_size``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import (
    ASK,
    BATCHES,
    CHANNELS,
    OUT_CHANNELS,
    SHAPE,
    arg,
    maybe,
    per_dim,
    pick,
    shape_exercise,
)
from cnngrade.exercises.core import Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line, shape_text
from cnngrade.reference.analysis.sizes import conv_output_size, conv_transpose_output_size

# ---------------------------------------------------------------- transposed convolution


def _gen_transpose(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    k = pick(rng, (2, 3, 4, 5))
    stride = pick(rng, (1, 2) if difficulty == 1 else (2, 3))
    padding = 0 if difficulty == 1 else int(rng.integers(0, (k - 1) // 2 + 1))
    out_pad = int(rng.integers(0, stride)) if difficulty == 3 else 0
    n = int(rng.integers(2, 33))
    return {
        "input": [pick(rng, BATCHES), pick(rng, CHANNELS), n, n],
        "out_channels": pick(rng, OUT_CHANNELS),
        "kernel": [k, k],
        "stride": [stride, stride],
        "padding": [padding, padding],
        "output_padding": [out_pad, out_pad],
    }


def _transpose_answer(params: Params) -> list[int]:
    return per_dim(params, lambda n, k, s, p, op: conv_transpose_output_size(n, k, s, p, op))


def _transpose_prompt(params: Params, lang: Lang) -> str:
    args = [
        str(params["input"][1]),
        str(params["out_channels"]),
        arg("kernel_size", params["kernel"]),
        arg("stride", params["stride"]),
    ]
    args += [arg(name, params[name]) for name in ("padding", "output_padding") if any(params[name])]
    return ASK.format(
        shape=shape_text(params["input"]), code=f"nn.ConvTranspose2d({', '.join(args)})"
    )(lang)


_TRANSPOSE_RULE = Text(
    "A transposed convolution inverts the size rule of a convolution: $(n - 1)s - 2p + k + \\text{{output\\_padding}}$; channels become {c}.",
    "转置卷积把卷积的尺寸公式反过来：$(n - 1)s - 2p + k + \\text{{output\\_padding}}$；通道数变为 {c}。",
)


def _transpose_solution(params: Params, lang: Lang) -> str:
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
        maybe(lambda params: per_dim(params, lambda n, k, s, p, op: conv_output_size(n, k, s, p))),
    ),
    Misconception(
        "n_times_stride",
        Text(
            "There are $n - 1$ gaps between $n$ inputs: $(n - 1)s$, then add the kernel.",
            "$n$ 个输入之间只有 $n - 1$ 个间隔：$(n - 1)s$，再加上卷积核。",
        ),
        maybe(lambda params: per_dim(params, lambda n, k, s, p, op: n * s - 2 * p + op)),
    ),
    Misconception(
        "padding_added",
        Text(
            "In a transposed convolution padding removes $2p$ from the output.",
            "转置卷积中的 padding 会让输出减少 $2p$。",
        ),
        lambda params: per_dim(
            params, lambda n, k, s, p, op: conv_transpose_output_size(n, k, s, 0, op) + 2 * p
        ),
    ),
    Misconception(
        "output_padding_ignored",
        Text(
            "output_padding adds that many rows/columns on one side.",
            "output_padding 会在一侧额外增加相应的行/列。",
        ),
        lambda params: per_dim(
            params, lambda n, k, s, p, op: conv_transpose_output_size(n, k, s, p)
        ),
    ),
)


EXERCISES = (
    shape_exercise(
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
