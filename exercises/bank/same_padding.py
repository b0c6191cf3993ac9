"""'Same' padding and the valid / same / full output sizes (seed 000: 10×10 * 5×5 → 6×6 valid).

Answers come from ``reference.analysis.sizes`` (``same_padding``, ``full_padding``,
``conv_output_size``); kernels are odd where a single per-side padding is asked for.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import maybe, pick
from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.sizes import (
    conv_output_size,
    effective_kernel_size,
    full_padding,
    same_padding,
)

INTEGER = AnswerSpec(kind="integer")
SHAPE = AnswerSpec(kind="shape", partial="per_dimension")
_MODES = ("valid", "same", "full")

# ---------------------------------------------------------------- per-side 'same' padding


def _gen_same(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    kernel = pick(rng, (3, 5, 7) if difficulty == 1 else (1, 3, 5, 7, 9, 11))
    dilation = 1 if difficulty < 3 else pick(rng, (2, 3, 4))
    return {"size": int(rng.integers(8, 65)), "kernel": kernel, "dilation": dilation}


def _same_answer(params: Params) -> int:
    return same_padding(params["kernel"], params["dilation"])[0]


_SAME_ASK = Text(
    "A {n}×{n} feature map is convolved with a {k}×{k} kernel, stride 1{dil}. Which padding $p$ on each "
    "side keeps the output at {n}×{n}?",
    "一个 {n}×{n} 的特征图与 {k}×{k} 的卷积核做卷积，步幅为 1{dil_zh}。每一侧填充多少 $p$ 才能让输出保持 {n}×{n}？",
)


def _same_prompt(params: Params, lang: Lang) -> str:
    d = params["dilation"]
    return _SAME_ASK.format(
        n=params["size"],
        k=params["kernel"],
        dil=f", dilation {d}" if d > 1 else "",
        dil_zh=f"，空洞率为 {d}" if d > 1 else "",
    )(lang)


_SAME_RULE = Text(
    "The output keeps the size when $2p = d(k - 1)$, i.e. $p = d(k - 1)/2$:",
    "当 $2p = d(k - 1)$ 时输出尺寸不变，即 $p = d(k - 1)/2$：",
)


def _same_solution(params: Params, lang: Lang) -> str:
    k, d, n = params["kernel"], params["dilation"], params["size"]
    p = _same_answer(params)
    check = conv_output_size(n, k, 1, p, d)
    lines = [
        _SAME_RULE(lang),
        f"$$p = \\frac{{{d} \\cdot ({k} - 1)}}{{2}} = {p}$$",
        f"$$\\frac{{{n} + 2 \\cdot {p} - {d} \\cdot ({k} - 1) - 1}}{{1}} + 1 = {check}$$",
        answer_line(p, INTEGER, lang),
    ]
    return "\n\n".join(lines)


_SAME_MISCONCEPTIONS = (
    Misconception(
        "whole_kernel_minus_one",
        Text(
            "$k - 1$ is the total padding; it is split between the two sides.",
            "$k - 1$ 是两侧填充的总和，要平分到两侧。",
        ),
        lambda params: effective_kernel_size(params["kernel"], params["dilation"]) - 1,
    ),
    Misconception(
        "half_kernel_rounded_up",
        Text("Use $(k - 1)/2$, not $k/2$ rounded up.", "应为 $(k - 1)/2$，而不是 $k/2$ 向上取整。"),
        lambda params: -(-effective_kernel_size(params["kernel"], params["dilation"]) // 2),
    ),
    Misconception(
        "dilation_ignored",
        Text(
            "A dilated kernel spans $d(k - 1) + 1$ inputs; pad for that span.",
            "空洞卷积核覆盖 $d(k - 1) + 1$ 个输入，应按这个跨度填充。",
        ),
        lambda params: same_padding(params["kernel"])[0],
    ),
)

# ---------------------------------------------------------------- valid / same / full output size


def _gen_modes(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    square = difficulty < 3
    kernels = (3, 5) if difficulty == 1 else (2, 3, 4, 5, 7)
    k = [pick(rng, kernels)] * 2 if square else [pick(rng, kernels), pick(rng, kernels)]
    n = [int(rng.integers(8, 33))] * 2 if square else [int(rng.integers(8, 33)) for _ in range(2)]
    return {"size": n, "kernel": k, "mode": _MODES[int(rng.integers(3))]}


def _padding(mode: str, k: int) -> tuple[int, int]:
    if mode == "same":
        return same_padding(k)
    if mode == "full":
        return (full_padding(k),) * 2
    return (0, 0)


def _modes_answer(params: Params, mode: str | None = None) -> list[int]:
    mode = mode or params["mode"]
    return [
        conv_output_size(n, k, 1, _padding(mode, k))
        for n, k in zip(params["size"], params["kernel"], strict=True)
    ]


_MODES_ASK = Text(
    "A {h}×{w} image is convolved (stride 1) with a {kh}×{kw} kernel using **{mode}** padding. "
    "What is the output size $(H_{{out}}, W_{{out}})$?",
    "一个 {h}×{w} 的图像与 {kh}×{kw} 的卷积核做步幅为 1 的卷积，采用 **{mode}** 填充。输出尺寸 $(H_{{out}}, W_{{out}})$ 是多少？",
)
_MODES_RULE = Text(
    "valid: no padding, $n - k + 1$; same: total padding $k - 1$, output $n$; full: $k - 1$ on each "
    "side, $n + k - 1$.",
    "valid：不填充，$n - k + 1$；same：总填充 $k - 1$，输出 $n$；full：每侧填充 $k - 1$，输出 $n + k - 1$。",
)


def _modes_prompt(params: Params, lang: Lang) -> str:
    (h, w), (kh, kw) = params["size"], params["kernel"]
    return _MODES_ASK.format(h=h, w=w, kh=kh, kw=kw, mode=params["mode"])(lang)


def _modes_solution(params: Params, lang: Lang) -> str:
    lines = [_MODES_RULE(lang)]
    for name, n, k in zip("HW", params["size"], params["kernel"], strict=True):
        left, right = _padding(params["mode"], k)
        out = conv_output_size(n, k, 1, (left, right))
        lines.append(f"$${name}_{{out}} = {n} + {left} + {right} - {k} + 1 = {out}$$")
    lines.append(answer_line(_modes_answer(params), SHAPE, lang))
    return "\n\n".join(lines)


def _other_mode(wrong: str) -> Any:
    return lambda params: _modes_answer(params, wrong) if params["mode"] != wrong else None


_MODES_MISCONCEPTIONS = (
    Misconception(
        "confused_with_valid",
        Text("'valid' means no padding; this mode pads.", "'valid' 表示不填充；本题的模式会填充。"),
        _other_mode("valid"),
    ),
    Misconception(
        "confused_with_same",
        Text("Only 'same' padding keeps the input size.", "只有 'same' 填充才保持输入尺寸。"),
        _other_mode("same"),
    ),
    Misconception(
        "confused_with_full",
        Text(
            "'full' pads $k - 1$ on each side; this mode pads less.",
            "'full' 在每侧填充 $k - 1$；本题的模式填充得更少。",
        ),
        _other_mode("full"),
    ),
    Misconception(
        "no_plus_one",
        Text("You forgot the +1 in $n + 2p - k + 1$.", "漏掉了 $n + 2p - k + 1$ 中的 +1。"),
        maybe(lambda params: [v - 1 for v in _modes_answer(params)]),
    ),
)

EXERCISES = (
    Exercise(
        id="same_padding",
        topic="padding",
        title=Text("'Same' padding", "保持尺寸的填充（same padding）"),
        generate=_gen_same,
        prompt=_same_prompt,
        answer=_same_answer,
        solution=_same_solution,
        spec=INTEGER,
        misconceptions=_SAME_MISCONCEPTIONS,
    ),
    Exercise(
        id="padding_mode_size",
        topic="padding",
        title=Text("Valid, same and full convolution sizes", "valid、same、full 卷积的输出尺寸"),
        generate=_gen_modes,
        prompt=_modes_prompt,
        answer=_modes_answer,
        solution=_modes_solution,
        spec=SHAPE,
        misconceptions=_MODES_MISCONCEPTIONS,
    ),
)
