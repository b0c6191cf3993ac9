"""Hand-computed cross-correlation shared by the corr2d families: answer, worked solution, wrong rules.

Parameters of a variant (all JSON): ``X`` ``(C_in, H, W)``, ``K`` ``(C_out, C_in, kh, kw)``, ``bias``
(``C_out`` ints or ``None``), ``stride``/``padding``/``dilation`` as ``[vertical, horizontal]`` and
``channel``, the output channel the student computes (answers stay 2-D matrices). The answer is
``reference.conv.conv2d``; the wrong rules are the same call on altered parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnngrade.exercises.core import AnswerSpec, Lang, Params, Text
from cnngrade.exercises.formatting import (
    as_int_matrix,
    bmatrix,
    display_matrix,
    fmt_factor,
    fmt_number,
    sum_of_products,
)
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.sizes import conv_output_size

#: Hand-computed convolutions are integer matrices: half credit for the shape, the rest per element.
SPEC = AnswerSpec(kind="int_matrix", partial="per_element")


def _tensor(values: Any) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def conv_answer(p: Params) -> list[list[int]]:
    """Output channel ``p["channel"]`` of ``conv2d(X, K, bias, stride, padding, dilation)``.

    >>> conv_answer(dict(X=[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]], K=[[[[0, 1], [2, 3]]]], bias=None,
    ...                  stride=[1, 1], padding=[0, 0], dilation=[1, 1], channel=0))
    [[19, 25], [37, 43]]
    """
    from cnngrade.reference.conv import conv2d

    bias = None if p["bias"] is None else _tensor(p["bias"])
    out = conv2d(
        _tensor(p["X"])[None],
        _tensor(p["K"]),
        bias,
        stride=tuple(p["stride"]),
        padding=tuple(p["padding"]),
        dilation=tuple(p["dilation"]),
    )
    return as_int_matrix(out[0, p["channel"]])


def altered(p: Params, **changes: Any) -> dict[str, Any]:
    """A copy of the parameters with some replaced (the input of a wrong rule)."""
    return {**p, **changes}


def flipped(p: Params) -> dict[str, Any]:
    """The kernels rotated by 180°: what a student computing a true convolution uses."""
    kernels = np.asarray(p["K"])[..., ::-1, ::-1]
    return altered(p, K=kernels.tolist())


def padded_one_side(p: Params) -> dict[str, Any]:
    """Padding added on the top and left only (counted once instead of on both sides)."""
    ph, pw = p["padding"]
    X = np.pad(np.asarray(p["X"]), ((0, 0), (ph, 0), (pw, 0)))
    return altered(p, X=X.tolist(), padding=[0, 0])


def padded_input(p: Params) -> np.ndarray:
    """``X`` with its zero padding, ``(C_in, H + 2 p_h, W + 2 p_w)``."""
    ph, pw = p["padding"]
    return np.pad(np.asarray(p["X"]), ((0, 0), (ph, ph), (pw, pw)))


def output_size(p: Params) -> tuple[int, int]:
    """``(H_out, W_out)`` from the one output-size formula."""
    _, H, W = np.asarray(p["X"]).shape
    kh, kw = np.asarray(p["K"]).shape[2:]
    return tuple(
        conv_output_size(n, k, stride=s, padding=q, dilation=d)
        for n, k, s, q, d in zip(
            (H, W), (kh, kw), p["stride"], p["padding"], p["dilation"], strict=True
        )
    )


def element_terms(p: Params, i: int, j: int, Xp: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Per input channel, the kernel entries and the entries of the padded input ``Xp`` they multiply
    for output ``(i, j)``."""
    K = np.asarray(p["K"])[p["channel"]]
    (sh, sw), (dh, dw) = p["stride"], p["dilation"]
    terms = []
    for c in range(K.shape[0]):
        taps = list(np.ndindex(*K.shape[1:]))
        weights = [int(K[c, u, v]) for u, v in taps]
        values = [int(Xp[c, i * sh + u * dh, j * sw + v * dw]) for u, v in taps]
        terms.append((weights, values))
    return terms


def element_sum(p: Params, i: int, j: int, bias: int | None, Xp: np.ndarray) -> tuple[str, int]:
    """Output ``(i, j)`` as LaTeX (one bracket per input channel when there are several) and its value."""
    terms = element_terms(p, i, j, Xp)
    parts = [sum_of_products(w, x) for w, x in terms]
    text = parts[0] if len(parts) == 1 else " + ".join(f"({part})" for part in parts)
    if bias is not None:
        text += f" + {fmt_factor(bias)}"
    total = sum(w * x for ws, xs in terms for w, x in zip(ws, xs, strict=True)) + (bias or 0)
    return text, total


_SIZE = Text(
    "Output size (per dimension, $\\lfloor (n + 2p - d(k-1) - 1)/s \\rfloor + 1$): {h} × {w}.",
    "输出尺寸（每一维 $\\lfloor (n + 2p - d(k-1) - 1)/s \\rfloor + 1$）：{h} × {w}。",
)
_PADDED = Text("Zero-padded input, channel {c}:", "零填充后的输入，第 {c} 个通道：")
_EACH = Text(
    "Each output element is the sum of products of the kernel with its window{bias}:",
    "每个输出元素是卷积核与对应窗口逐元素相乘再求和{bias}：",
)
_PLUS_BIAS = Text(", plus the bias $b_{o} = {b}$", "，再加上偏置 $b_{o} = {b}$")


def size_lines(p: Params, lang: Lang) -> list[str]:
    """The output-size line of a worked solution, with the numbers of this variant."""
    _, H, W = np.asarray(p["X"]).shape
    kh, kw = np.asarray(p["K"]).shape[2:]
    parts = []
    for n, k, s, q, d in zip(
        (H, W), (kh, kw), p["stride"], p["padding"], p["dilation"], strict=True
    ):
        out = conv_output_size(n, k, stride=s, padding=q, dilation=d)
        parts.append(
            f"$\\lfloor ({n} + 2 \\cdot {q} - {d} \\cdot ({k} - 1) - 1)/{s} \\rfloor + 1 = {out}$"
        )
    h, w = parts
    return [_SIZE(lang).format(h=h, w=w)]


def solution(p: Params, lang: Lang) -> str:
    """Worked solution: size, padded input, every element as its sum of products, the answer."""
    lines = size_lines(p, lang)
    Xp = padded_input(p)
    if any(p["padding"]):
        for c, channel in enumerate(Xp):
            lines += [_PADDED(lang).format(c=c), f"$${bmatrix(channel)}$$"]
    o = p["channel"]
    bias = None if p["bias"] is None else p["bias"][o]
    note = "" if bias is None else _PLUS_BIAS(lang).format(o=o, b=bias)
    lines.append(_EACH(lang).format(bias=note))
    answer = conv_answer(p)
    for i, j in np.ndindex(*output_size(p)):
        text, total = element_sum(p, i, j, bias, Xp)
        lines.append(f"- $y_{{{i},{j}}} = {text} = {fmt_number(total)}$")
    lines.append(answer_line(answer, SPEC, lang))
    return "\n".join(lines)


_SETTINGS = Text(
    "stride $(s_h, s_w) = ({sh}, {sw})$, zero padding $(p_h, p_w) = ({ph}, {pw})$ on every side, "
    "dilation $(d_h, d_w) = ({dh}, {dw})$",
    "步幅 $(s_h, s_w) = ({sh}, {sw})$，每一侧零填充 $(p_h, p_w) = ({ph}, {pw})$，"
    "膨胀率 $(d_h, d_w) = ({dh}, {dw})$",
)
_CORR = Text(
    "Compute by hand the cross-correlation (the operation of `torch.nn.functional.conv2d`, no kernel "
    "flip) of the input $X$ with the kernel $K$, with {settings}.",
    "手算输入 $X$ 与卷积核 $K$ 的互相关（即 `torch.nn.functional.conv2d` 的运算，不翻转卷积核），"
    "{settings}。",
)
_MULTI = Text(
    "The input $X$ has {cin} channels and the layer has {cout} filter(s) (filter $o$ is "
    "$K_{{o,0}}, \\dots, K_{{o,{last}}}$, one kernel per input channel){bias}. Compute by hand output "
    "channel $o = {o}$ of the cross-correlation (`torch.nn.functional.conv2d`), with {settings}.",
    "输入 $X$ 有 {cin} 个通道，该层有 {cout} 个滤波器（第 $o$ 个滤波器为 "
    "$K_{{o,0}}, \\dots, K_{{o,{last}}}$，每个输入通道一个卷积核）{bias}。手算互相关"
    "（`torch.nn.functional.conv2d`）的第 $o = {o}$ 个输出通道，{settings}。",
)
_BIASES = Text(" with biases $b = ({b})$", "，偏置 $b = ({b})$")
_GIVE = Text("Give the output as an integer matrix.", "请以整数矩阵的形式给出输出。")


def prompt(p: Params, lang: Lang) -> str:
    """The prompt: the task, the hyperparameters, every input channel and kernel as a matrix."""
    (sh, sw), (ph, pw), (dh, dw) = p["stride"], p["padding"], p["dilation"]
    settings = _SETTINGS(lang).format(sh=sh, sw=sw, ph=ph, pw=pw, dh=dh, dw=dw)
    X, K = np.asarray(p["X"]), np.asarray(p["K"])
    single = X.shape[0] == 1 and K.shape[0] == 1
    if single:
        lines = [
            _CORR(lang).format(settings=settings),
            display_matrix("X", X[0]),
            display_matrix("K", K[0, 0]),
        ]
    else:
        bias = "" if p["bias"] is None else _BIASES(lang).format(b=", ".join(map(str, p["bias"])))
        head = _MULTI(lang).format(
            cin=X.shape[0],
            cout=K.shape[0],
            last=K.shape[1] - 1,
            bias=bias,
            o=p["channel"],
            settings=settings,
        )
        lines = [head]
        lines += [display_matrix(f"X_{{{c}}}", X[c]) for c in range(X.shape[0])]
        lines += [display_matrix(f"K_{{{o},{c}}}", K[o, c]) for o, c in np.ndindex(*K.shape[:2])]
    lines.append(_GIVE(lang))
    return "\n\n".join(lines)


def integers(rng: np.random.Generator, low: int, high: int, shape: tuple[int, ...]) -> list[Any]:
    """Uniform integers in ``[low, high]`` as nested lists of Python ints."""
    return rng.integers(low, high, size=shape, endpoint=True).tolist()


def nonzero_integers(
    rng: np.random.Generator, low: int, high: int, shape: tuple[int, ...]
) -> list[Any]:
    """Uniform non-zero integers in ``[low, high]`` (a zero product would hide some wrong rules)."""
    values = np.array([v for v in range(low, high + 1) if v != 0])
    return values[rng.integers(len(values), size=shape)].tolist()


def asymmetric_kernel(
    rng: np.random.Generator, low: int, high: int, kh: int, kw: int
) -> list[list[int]]:
    """A ``kh × kw`` integer kernel that differs from its 180° rotation (so a flip is visible).

    The first and last entries are forced apart by construction: no rejection loop.
    """
    K = rng.integers(low, high, size=(kh, kw), endpoint=True)
    if K[0, 0] == K[-1, -1]:
        K[-1, -1] = K[0, 0] + 1 if K[0, 0] < high else low
    return K.tolist()
