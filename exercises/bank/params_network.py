"""Parameters of a small whole network: LeNet-style, with the flattened size derived, not typed.

The sizes 28 → 28 → 14 → 10 → 5 come from ``reference.analysis.sizes``; each layer's count from
``reference.analysis.counts``; the tests compare with a real torch network (and ``lenet5``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.bank._sums import Term, sum_exercise
from cnngrade.exercises.bank.params import conv_terms
from cnngrade.exercises.core import Lang, Params, Text
from cnngrade.reference.analysis.counts import linear_params
from cnngrade.reference.analysis.sizes import conv_output_size, pool_output_size

# ---------------------------------------------------------------- a small whole network (LeNet style)


def _gen_lenet(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:
        return {"c1": 6, "c2": 16, "h1": 120, "h2": 84, "classes": 10}
    return {
        "c1": pick(rng, (4, 6, 8, 12)),
        "c2": pick(rng, (10, 16, 20, 32)),
        "h1": pick(rng, (64, 100, 120, 128)),
        "h2": pick(rng, (32, 50, 84)),
        "classes": 10,
    }


def _flat_side(last_pool: bool = True) -> int:
    side = pool_output_size(conv_output_size(28, 5, padding=2), 2)
    side = conv_output_size(side, 5)
    return pool_output_size(side, 2) if last_pool else side


def _fc(label: Text, n_in: int, n_out: int, bias: bool, flat: str | None = None) -> Term:
    head = flat or f"{n_in}"
    formula = f"{head} \\times {n_out}" + (f" + {n_out}" if bias else "")
    return Term(label, formula, linear_params(n_in, n_out, bias=bias))


def _lenet_terms(p: Params, bias: bool = True, last_pool: bool = True) -> list[Term]:
    side = _flat_side(last_pool)
    terms = conv_terms(Text("conv1", "卷积1"), 1, p["c1"], [5, 5], bias=bias)
    terms += conv_terms(Text("conv2", "卷积2"), p["c1"], p["c2"], [5, 5], bias=bias)
    flat = f"({p['c2']} \\times {side}^2)"
    terms.append(_fc(Text("FC1", "全连接1"), p["c2"] * side * side, p["h1"], bias, flat))
    terms.append(_fc(Text("FC2", "全连接2"), p["h1"], p["h2"], bias))
    terms.append(_fc(Text("FC3", "全连接3"), p["h2"], p["classes"], bias))
    return terms


def _ask_lenet(p: Params, lang: Lang) -> str:
    c1, c2, h1, h2, k = p["c1"], p["c2"], p["h1"], p["h2"], p["classes"]
    return Text(
        f"A LeNet-style network on 1×28×28 images: conv 5×5 (padding 2) to {c1} channels → 2×2 avg pool (stride 2) "
        f"→ conv 5×5 to {c2} → 2×2 avg pool → flatten → FC {h1} → FC {h2} → FC {k}; every conv and FC layer has a "
        "bias; activations and pooling have no parameters. How many parameters in total?",
        f"一个 LeNet 风格的网络，输入 1×28×28：5×5 卷积（填充 2）到 {c1} 通道 → 2×2 平均池化（步幅 2）→ 5×5 卷积到 "
        f"{c2} → 2×2 平均池化 → 展平 → 全连接 {h1} → 全连接 {h2} → 全连接 {k}；每个卷积和全连接层都有偏置，"
        "激活与池化没有参数。总参数量是多少？",
    )(lang)


_BIAS = (
    "bias_forgotten",
    Text(
        "Every layer here has biases: one per output channel/unit.",
        "这里每层都有偏置：每个输出通道/单元一个。",
    ),
    {"bias": False},
)


EXERCISES = (
    sum_exercise(
        "small_network_params",
        "parameters",
        Text("Parameters of a small network", "小型网络的参数量"),
        _gen_lenet,
        _ask_lenet,
        Text(
            "28 → conv (pad 2) 28 → pool 14 → conv 10 → pool 5, so the flattened vector has $C_2 \\cdot 5^2$ values. Per layer:",
            "28 → 卷积（填充 2）28 → 池化 14 → 卷积 10 → 池化 5，展平后有 $C_2 \\cdot 5^2$ 个值。逐层计算：",
        ),
        _lenet_terms,
        [
            _BIAS,
            (
                "last_pool_forgotten",
                Text(
                    "The second pooling halves 10×10 to 5×5 before flattening.",
                    "展平前第二次池化把 10×10 变为 5×5。",
                ),
                {"last_pool": False},
            ),
        ],
    ),
)
