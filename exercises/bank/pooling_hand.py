"""Max and average pooling by hand: non-overlapping, overlapping, padded and ceil-mode windows.

Variants are valid by construction (window, stride, padding, size per difficulty); answers, windows and
worked solutions come from ``_poolhand`` (which calls ``reference.pooling``); each misconception is the
same pooling with one setting changed, or the max instead of the mean, or zero padding instead of −∞.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._poolhand import (
    AVG_SPEC,
    MAX_SPEC,
    avg_answer,
    max_answer,
    out_size,
    pool,
    prompt,
    solution_avg,
    solution_max,
    windows,
)
from cnngrade.exercises.core import Exercise, Misconception, Params, Text
from cnngrade.exercises.formatting import as_matrix


def _layout(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Window, stride, padding, ceil mode and input size for a difficulty (valid by construction).

    1: 2×2 windows, stride 2; 2: overlapping 3×3 windows with stride 2, or ceil mode with a remainder;
    3: padding 1 (ceil mode on or off).
    """
    if difficulty == 1:
        return dict(
            kernel=2, stride=2, padding=0, ceil_mode=False, shape=rng.choice([4, 6], size=2)
        )
    if difficulty == 2:
        if rng.integers(2) == 0:
            return dict(
                kernel=3, stride=2, padding=0, ceil_mode=False, shape=rng.choice([5, 7], size=2)
            )
        k = int(rng.choice([2, 3]))
        return dict(
            kernel=k, stride=2, padding=0, ceil_mode=True, shape=np.full(2, 5 if k == 2 else 6)
        )
    k = int(rng.choice([2, 3]))
    sizes = [4, 5] if k == 2 else [5]  # 3×3 windows at stride 2 on 4 + 2 cells would equal stride 3
    return dict(
        kernel=k,
        stride=2,
        padding=1,
        ceil_mode=bool(rng.integers(2)),
        shape=rng.choice(sizes, size=2),
    )


def generate_max(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Entries in -5..9; with padding the first window's real cells are negative (so −∞ vs 0 matters)."""
    layout = _layout(rng, difficulty)
    H, W = (int(n) for n in layout.pop("shape"))
    X = rng.integers(-5, 9, size=(H, W), endpoint=True)
    if layout["padding"]:
        corner = layout["kernel"] - layout["padding"]
        X[:corner, :corner] = -np.abs(X[:corner, :corner]) - 1
    return dict(X=X.tolist(), **layout)


def generate_avg(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Entries in 0..9 (averages of small non-negative numbers)."""
    layout = _layout(rng, difficulty)
    H, W = (int(n) for n in layout.pop("shape"))
    X = rng.integers(0, 9, size=(H, W), endpoint=True)
    X[0, 0] = X[0, 0] or 1  # a non-zero corner: padding counted or not changes that window
    return dict(X=X.tolist(), **layout)


def _overhangs(p: Params) -> bool:
    """Whether some ceil-mode window reaches past the padded input (and so covers fewer than k² cells)."""
    return any(len(cells) < p["kernel"] ** 2 for cells in windows(p).values())


def _if(condition: bool, value):
    return value() if condition else None


def _zero_padded(p: Params) -> dict[str, Any]:
    pad = p["padding"]
    return {**p, "X": np.pad(np.asarray(p["X"]), pad).tolist(), "padding": 0}


def _rounding_flipped(p: Params, pool) -> Any:
    """The same pooling with the other rounding, when that changes the output size."""
    X = np.asarray(p["X"])
    other = {"ceil_mode": not p["ceil_mode"]}
    changed = any(out_size(p, n) != out_size(p, n, **other) for n in X.shape)
    return _if(changed, lambda: pool({**p, **other}))


def _common(pool) -> list[Misconception]:
    return [
        Misconception(
            "stride_ignored",
            Text(
                "You slid the window by 1: it moves by the stride s.",
                "你让窗口每次只移动 1：窗口每次移动步幅 s。",
            ),
            lambda p: _if(p["stride"] != 1, lambda: pool({**p, "stride": 1})),
        ),
        Misconception(
            "non_overlapping",
            Text(
                "You made the windows non-overlapping (stride = window size); here the stride is smaller.",
                "你把窗口当成互不重叠（步幅 = 窗口大小）；本题步幅小于窗口。",
            ),
            lambda p: _if(p["stride"] != p["kernel"], lambda: pool({**p, "stride": p["kernel"]})),
        ),
        Misconception(
            "floor_ceil_confused",
            Text(
                "You used the other rounding: ceil_mode=True rounds the window count up, False rounds down.",
                "你用错了取整方式：ceil_mode=True 向上取整，False 向下取整。",
            ),
            lambda p: _rounding_flipped(p, pool),
        ),
        Misconception(
            "padding_ignored",
            Text(
                "You ignored the padding: pad p cells on every side first.",
                "你忽略了填充：先在每一侧填充 p 格。",
            ),
            lambda p: _if(p["padding"] > 0, lambda: pool({**p, "padding": 0})),
        ),
    ]


MAX_MISCONCEPTIONS = (
    *_common(max_answer),
    Misconception(
        "padding_with_zeros",
        Text(
            "You padded with zeros: max pooling pads with −∞, so a window of negative numbers keeps its maximum.",
            "你用 0 填充了：最大池化的填充值是 −∞，全是负数的窗口仍取其中最大的负数。",
        ),
        lambda p: _if(p["padding"] > 0, lambda: max_answer(_zero_padded(p))),
    ),
    Misconception(
        "avg_instead_of_max",
        Text(
            "You took the mean: max pooling keeps the largest value of each window.",
            "你取了平均值：最大池化取每个窗口的最大值。",
        ),
        lambda p: as_matrix(pool(p, "avg")),
    ),
)

AVG_MISCONCEPTIONS = (
    *_common(avg_answer),
    Misconception(
        "max_instead_of_avg",
        Text(
            "You took the maximum: average pooling takes the mean.",
            "你取了最大值：平均池化取平均值。",
        ),
        lambda p: as_matrix(pool(p, "max")),
    ),
    Misconception(
        "padding_not_counted",
        Text(
            "You divided by the real cells only: with count_include_pad=True zero padding counts in the divisor.",
            "你只除以了真实元素的个数：count_include_pad=True 时零填充也计入除数。",
        ),
        lambda p: _if(p["padding"] > 0, lambda: as_matrix(pool(p, "avg", count_include_pad=False))),
    ),
    Misconception(
        "full_window_divisor",
        Text(
            "You divided an overhanging ceil-mode window by k²: it is divided by the cells it covers.",
            "你把 ceil 模式下越界的窗口除以了 k²：它只除以实际覆盖的格数。",
        ),
        lambda p: _if(
            _overhangs(p), lambda: as_matrix(pool(p, "avg", divisor_override=p["kernel"] ** 2))
        ),
    ),
)

EXERCISES = (
    Exercise(
        id="max_pool_hand",
        topic="pooling by hand",
        title=Text("Max pooling by hand", "手算最大池化"),
        generate=generate_max,
        prompt=lambda p, lang: prompt(p, lang, "max"),
        answer=max_answer,
        solution=solution_max,
        spec=MAX_SPEC,
        misconceptions=MAX_MISCONCEPTIONS,
    ),
    Exercise(
        id="avg_pool_hand",
        topic="pooling by hand",
        title=Text("Average pooling by hand", "手算平均池化"),
        generate=generate_avg,
        prompt=lambda p, lang: prompt(p, lang, "avg"),
        answer=avg_answer,
        solution=solution_avg,
        spec=AVG_SPEC,
        misconceptions=AVG_MISCONCEPTIONS,
    ),
)
