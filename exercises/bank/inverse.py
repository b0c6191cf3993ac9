"""Inverse size problems: find the stride, the padding or the kernel size that maps n to out.

The unknown is drawn first and the other sizes are derived from it, so the question always has
exactly one answer: for the stride ``out > s`` and no remainder; for the padding ``s <= 2``; for the
kernel ``s = 1``. The tests check uniqueness by scanning every candidate with
``reference.analysis.sizes.conv_output_size``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.sizes import conv_output_size, effective_kernel_size

INTEGER = AnswerSpec(kind="integer")
KERNEL = AnswerSpec(kind="integer", side=True)  # a kernel's side: 3x3 reads as 3
_UNKNOWN = {"stride": "s", "padding": "p", "kernel": "k"}


def _exact(numerator: int, denominator: int) -> int | None:
    """``numerator / denominator`` when it is a whole number >= 0, else None (rule not applicable)."""
    if denominator <= 0 or numerator < 0 or numerator % denominator:
        return None
    return numerator // denominator


def _at_least_one(value: int) -> int | None:
    return value if value >= 1 else None


def _kernel_from_span(span: int, dilation: int) -> int | None:
    """The kernel size whose dilated span is ``span``, or None when there is none."""
    steps = _exact(span - 1, dilation)
    return None if steps is None else steps + 1


def _gen(rng: np.random.Generator, difficulty: int, unknown: str) -> dict[str, Any]:
    k = pick(rng, (3, 5) if difficulty == 1 else (1, 3, 5, 7, 11))
    d = pick(rng, (2, 3)) if difficulty == 3 and unknown == "kernel" else 1
    if unknown == "stride":
        s = pick(rng, (2, 3, 4))
    elif unknown == "padding":
        s = 1 if difficulty == 1 else pick(rng, (1, 2))
    else:
        s = 1
    p = int(rng.integers(0, (effective_kernel_size(k, d) - 1) // 2 + 1 + (unknown == "padding")))
    out = int(rng.integers(max(4, s + 1), 33))
    n = (out - 1) * s + effective_kernel_size(k, d) - 2 * p  # >= 1 because 2p <= span + 1
    return {
        "size": n,
        "out": out,
        "kernel": k,
        "stride": s,
        "padding": p,
        "dilation": d,
        "unknown": unknown,
    }


def _answer(params: Params) -> int:
    return params[params["unknown"]]


_KNOWN = {
    "kernel": Text("kernel {k}×{k}", "卷积核 {k}×{k}"),
    "stride": Text("stride {s}", "步幅 {s}"),
    "padding": Text("padding {p} on each side", "每侧填充 {p}"),
    "dilation": Text("dilation {d}", "空洞率 {d}"),
}
ASK = Text(
    "A convolution maps an input of size {n}×{n} to an output of size {out}×{out} with {known}. What is the {what} ${sym}$?",
    "一个卷积把 {n}×{n} 的输入变为 {out}×{out} 的输出，已知{known}。{what} ${sym}$ 是多少？",
)
_WHAT = {
    "stride": Text("stride", "步幅"),
    "padding": Text("padding on each side", "每侧的填充"),
    "kernel": Text("kernel size", "卷积核大小"),
}


def _prompt(params: Params, lang: Lang) -> str:
    k, s, p, d = (params[key] for key in ("kernel", "stride", "padding", "dilation"))
    names = [name for name in ("kernel", "stride", "padding") if name != params["unknown"]]
    if d > 1:
        names.append("dilation")
    known = ("，" if lang == "zh" else ", ").join(
        _KNOWN[n].format(k=k, s=s, p=p, d=d)(lang) for n in names
    )
    unknown = params["unknown"]
    return ASK.format(
        n=params["size"],
        out=params["out"],
        known=known,
        what=_WHAT[unknown](lang),
        sym=_UNKNOWN[unknown],
    )(lang)


_RULE = Text(
    "Solve $\\lfloor (n + 2p - d(k - 1) - 1)/s \\rfloor + 1 = \\text{{out}}$ for ${sym}$:",
    "由 $\\lfloor (n + 2p - d(k - 1) - 1)/s \\rfloor + 1 = \\text{{out}}$ 解出 ${sym}$：",
)
_CHECK = Text("Check: the formula gives {out}.", "验算：代入公式得到 {out}。")


def _solution(params: Params, lang: Lang) -> str:
    n, out, k, s, p, d = (
        params[key] for key in ("size", "out", "kernel", "stride", "padding", "dilation")
    )
    unknown = params["unknown"]
    if unknown == "stride":
        step = f"$$s = \\frac{{{n} + 2 \\cdot {p} - {k}}}{{{out} - 1}} = {s}$$"
    elif unknown == "padding":
        step = f"$$p = \\frac{{({out} - 1) \\cdot {s} - {n} + {k}}}{{2}} = {p}$$"
    else:
        span = n + 2 * p - (out - 1) * s
        step = f"$$d(k - 1) + 1 = {n} + 2 \\cdot {p} - ({out} - 1) = {span}, \\quad k = \\frac{{{span} - 1}}{{{d}}} + 1 = {k}$$"
    check = conv_output_size(n, k, s, p, d)
    parts = [_RULE.format(sym=_UNKNOWN[unknown])(lang), step, _CHECK.format(out=check)(lang)]
    return "\n\n".join([*parts, answer_line(_answer(params), INTEGER, lang)])


def _no_plus_one(params: Params) -> int | None:
    n, out, k, s, p, d = (
        params[key] for key in ("size", "out", "kernel", "stride", "padding", "dilation")
    )
    if params["unknown"] == "stride":  # students round the quotient to a whole stride
        return _at_least_one((n + 2 * p - k) // out)
    if params["unknown"] == "padding":
        return _exact(out * s - n + k, 2)
    return _kernel_from_span(n + 2 * p - out * s, d)


def _padding_ignored(params: Params) -> int | None:
    n, out, k, s, d = (params[key] for key in ("size", "out", "kernel", "stride", "dilation"))
    if params["padding"] == 0:
        return None
    if params["unknown"] == "stride":
        return _at_least_one((n - k) // (out - 1))
    return _kernel_from_span(n - (out - 1) * s, d)


def _padding_once(params: Params) -> int | None:
    n, out, k, s, p, d = (
        params[key] for key in ("size", "out", "kernel", "stride", "padding", "dilation")
    )
    if params["unknown"] == "stride":
        return _at_least_one((n + p - k) // (out - 1))
    if params["unknown"] == "padding":
        return 2 * p
    return _kernel_from_span(n + p - (out - 1) * s, d)


_MISCONCEPTIONS = (
    Misconception(
        "padding_ignored",
        Text(
            "The input is padded: use $n + 2p$ in the formula.", "输入有填充：公式中要用 $n + 2p$。"
        ),
        _padding_ignored,
    ),
    Misconception(
        "no_plus_one",
        Text(
            "The size formula ends with +1; solve with it.", "尺寸公式末尾有 +1，求解时不能漏掉。"
        ),
        _no_plus_one,
    ),
    Misconception(
        "padding_once",
        Text("Padding is on both sides: $n + 2p$.", "两侧都要填充：$n + 2p$。"),
        _padding_once,
    ),
    Misconception(
        "dilation_ignored",
        Text(
            "With dilation the span is $d(k - 1) + 1$; solve for $k$ from the span.",
            "有空洞时跨度为 $d(k - 1) + 1$，要由跨度解出 $k$。",
        ),
        lambda params: (
            effective_kernel_size(params["kernel"], params["dilation"])
            if params["unknown"] == "kernel" and params["dilation"] > 1
            else None
        ),
    ),
)


_APPLIES = {
    "stride": ("no_plus_one", "padding_once", "padding_ignored"),
    "padding": ("no_plus_one", "padding_once"),
    "kernel": ("no_plus_one", "padding_once", "padding_ignored", "dilation_ignored"),
}


def _exercise(unknown: str, en: str, zh: str) -> Exercise:
    return Exercise(
        id=f"find_{unknown}",
        topic="output_size",
        title=Text(en, zh),
        generate=lambda rng, difficulty: _gen(rng, difficulty, unknown),
        prompt=_prompt,
        answer=_answer,
        solution=_solution,
        spec=KERNEL if unknown == "kernel" else INTEGER,
        misconceptions=tuple(m for m in _MISCONCEPTIONS if m.note in _APPLIES[unknown]),
    )


EXERCISES = (
    _exercise("stride", "Find the stride", "求步幅"),
    _exercise("padding", "Find the padding", "求填充"),
    _exercise("kernel", "Find the kernel size", "求卷积核大小"),
)
