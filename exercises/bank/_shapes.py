"""Shared pieces of the shape families: parameter draws, per-dimension sizes, the shape question.

Parameters are built valid directly: pick the output size, stride, kernel and padding first, then
derive the input size ``n = (out - 1) s + span - 2p + r`` with a remainder ``0 <= r < s`` (the part
the floor throws away).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from cnngrade.exercises.core import AnswerSpec, Exercise, Misconception, Params, Text
from cnngrade.reference.analysis.sizes import effective_kernel_size

SHAPE = AnswerSpec(kind="shape", partial="per_dimension")
BATCHES = (1, 2, 4, 8, 16, 32)
CHANNELS = (1, 3, 8, 16, 32, 64)
OUT_CHANNELS = (6, 8, 16, 32, 64, 96, 128)


def pick(rng: np.random.Generator, options: Sequence[int]) -> int:
    """One of ``options``, drawn uniformly."""
    return int(options[int(rng.integers(len(options)))])


def arg(name: str, pair: list[int]) -> str:
    """``name=3`` for a square setting, ``name=(3, 5)`` otherwise."""
    return f"{name}={pair[0]}" if pair[0] == pair[1] else f"{name}=({pair[0]}, {pair[1]})"


def maybe(rule: Callable[[Params], Any]) -> Callable[[Params], Any]:
    """A wrong rule that yields an impossible layer is "not applicable" (None)."""

    def wrapped(params: Params) -> Any:
        try:
            return rule(params)
        except ValueError:
            return None

    return wrapped


def per_dim(params: Params, size: Callable[..., int]) -> list[int]:
    """``[N, C_out, size(H-params), size(W-params)]`` from per-dimension parameter lists."""
    keys = [k for k in ("kernel", "stride", "padding", "dilation", "output_padding") if k in params]
    dims = [size(params["input"][2 + i], *[params[k][i] for k in keys]) for i in range(2)]
    return [params["input"][0], params.get("out_channels", params["input"][1]), *dims]


def dim(rng: np.random.Generator, difficulty: int, pad_max: int, span: int) -> tuple[int, int, int]:
    """(input size, stride, padding) for one dimension, valid by construction."""
    stride = 1 if difficulty == 1 else int(rng.integers(1, 4))
    padding = int(rng.integers(0, pad_max + 1)) if difficulty > 1 else pick(rng, (0, pad_max))
    out = int(rng.integers(3, 29))
    rest = int(rng.integers(0, stride)) if difficulty == 3 else 0
    return (out - 1) * stride + span - 2 * padding + rest, stride, padding


def layer_params(
    rng: np.random.Generator,
    difficulty: int,
    kernels: tuple[int, ...],
    dilations: tuple[int, ...] = (1,),
) -> dict[str, Any]:
    """Input shape and per-dimension (kernel, stride, padding, dilation); rectangular at difficulty 3."""
    square = difficulty < 3
    k = [pick(rng, kernels)] * 2 if square else [pick(rng, kernels), pick(rng, kernels)]
    d = [pick(rng, dilations)] * 2
    dims = []
    for i in range(1 if square else 2):
        span = effective_kernel_size(k[i], d[i])
        dims.append(dim(rng, difficulty, (span - 1) // 2, span))
    sizes, strides, pads = (list(v) for v in zip(*(dims * 2 if square else dims), strict=True))
    batch, channels = pick(rng, BATCHES), pick(rng, CHANNELS)
    return {
        "input": [batch, channels, *sizes],
        "kernel": k,
        "stride": strides,
        "padding": pads,
        "dilation": d,
    }


ASK = Text(
    "An input of shape $(N, C, H, W) = {shape}$ passes through `{code}`. What is the output shape $(N, C, H_{{out}}, W_{{out}})$?",
    "形状为 $(N, C, H, W) = {shape}$ 的输入经过 `{code}`。输出的形状 $(N, C, H_{{out}}, W_{{out}})$ 是多少？",
)


def shape_exercise(
    id_: str,
    en: str,
    zh: str,
    generate: Any,
    prompt: Any,
    answer: Any,
    solution: Any,
    misconceptions: tuple[Misconception, ...],
) -> Exercise:
    """An ``output_size`` family whose answer is a shape graded per dimension."""
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
