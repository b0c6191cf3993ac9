"""Convolution or cross-correlation? Which matrix ``torch.nn.functional.conv2d`` computes.

The four options are the reference ``conv2d`` results for the kernel as it is (the key), flipped (true
convolution), transposed, and with 'full' zero padding. The input and kernel are drawn so that the three
2 × 2 options differ by construction (see ``generate_corr``); the 'full' one differs in shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnngrade.exercises.bank.concepts import (
    Role,
    _same,
    concept,
    index_of_value,
    pointing_at,
    shuffled_roles,
)
from cnngrade.exercises.core import Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import bmatrix, display_matrix

CORR_ROLES = ("cross_correlation", "convolution", "kernel_transposed", "full_padding")


def generate_corr(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """X 3×3 and K = [[a, b], [c, d]] with a > d, b > c, X00 > X11, X01 > X10: then at output (0, 0)
    cross-correlation > convolution and the transposed kernel differs from both (see the test)."""
    X = rng.integers(0, 5, size=(3, 3), endpoint=True)
    X[0, 0], X[1, 1] = X[1, 1] + 1 + int(rng.integers(3)), X[1, 1]
    X[0, 1], X[1, 0] = X[1, 0] + 1 + int(rng.integers(3)), X[1, 0]
    d, c = (int(v) for v in rng.integers(-2, 1, size=2, endpoint=True))
    a, b = d + 1 + int(rng.integers(2)), c + 1 + int(rng.integers(2))
    return dict(X=X.tolist(), K=[[a, b], [c, d]], roles=shuffled_roles(rng, CORR_ROLES))


def _corr(X, K, padding: int = 0, flip: bool = False) -> list[list[int]]:
    from cnngrade.reference.conv import conv2d

    x = torch.tensor(X, dtype=torch.float64)[None, None]
    k = torch.tensor(K, dtype=torch.float64)[None, None]
    return conv2d(x, k, padding=padding, flip=flip)[0, 0].round().long().tolist()


def _corr_candidates(p: Params) -> dict[Role, list[list[int]]]:
    X, K = p["X"], p["K"]
    return {
        "cross_correlation": _corr(X, K),
        "convolution": _corr(X, K, flip=True),
        "kernel_transposed": _corr(X, np.asarray(K).T.tolist()),
        "full_padding": _corr(X, K, padding=1),
    }


def corr_answer(p: Params) -> int:
    """The option equal to ``torch.nn.functional.conv2d``'s result (computed by the reference conv2d)."""
    return index_of_value(p, _corr_candidates(p), _corr(p["X"], p["K"]))


def corr_texts(p: Params) -> list[Text]:
    values = _corr_candidates(p)
    return [_same(f"${bmatrix(values[r])}$") for r in p["roles"]]


_CORR_TASK = Text(
    "Which matrix does `torch.nn.functional.conv2d` (stride 1, no padding) compute for this input and kernel?",
    "对下面的输入和卷积核，`torch.nn.functional.conv2d`（步幅 1，无填充）算出的是哪个矩阵？",
)
_CORR_WHY = Text(
    "Deep-learning 'convolution' layers compute the cross-correlation: the kernel slides as it is, "
    "$y_{{i,j}} = \\sum_{{u,v}} K_{{u,v}} X_{{i+u, j+v}}$. The mathematical convolution flips the kernel first "
    "(rotate by 180°). Here that gives {answer}.",
    "深度学习中的“卷积”层计算的是互相关：卷积核不翻转直接滑动，$y_{{i,j}} = \\sum_{{u,v}} K_{{u,v}} X_{{i+u, j+v}}$。"
    "数学上的卷积要先把卷积核旋转 180°。这里结果为 {answer}。",
)


def corr_prompt(p: Params, lang: Lang) -> str:
    return "\n\n".join([_CORR_TASK(lang), display_matrix("X", p["X"]), display_matrix("K", p["K"])])


CORR_MISCONCEPTIONS = (
    Misconception(
        "kernel_flipped",
        Text(
            "conv2d does not flip the kernel: it computes cross-correlation.",
            "conv2d 不翻转卷积核：它计算的是互相关。",
        ),
        pointing_at("convolution"),
    ),
    Misconception(
        "kernel_transposed",
        Text(
            "Flipping is a 180° rotation, not a transpose — and conv2d does neither.",
            "翻转是旋转 180°，不是转置——而 conv2d 两者都不做。",
        ),
        pointing_at("kernel_transposed"),
    ),
    Misconception(
        "padding_assumed",
        Text(
            "No padding here: the output is (n − k + 1) × (n − k + 1).",
            "这里没有填充：输出为 (n − k + 1) × (n − k + 1)。",
        ),
        pointing_at("full_padding"),
    ),
)


def corr_why(p: Params, lang: Lang) -> str:
    return _CORR_WHY(lang).format(answer=f"${bmatrix(_corr(p['X'], p['K']))}$")


EXERCISES = (
    concept(
        "concept_conv_vs_corr",
        Text("Convolution or cross-correlation?", "卷积还是互相关？"),
        generate_corr,
        corr_prompt,
        corr_answer,
        corr_texts,
        corr_why,
        CORR_MISCONCEPTIONS,
    ),
)
