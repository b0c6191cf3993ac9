"""Max and average pooling by hand: non-overlapping, overlapping, padded and ceil-mode windows.

Parameters: ``X`` (a 2-D integer matrix), square window ``kernel``, ``stride``, ``padding``,
``ceil_mode``. Answers come from ``reference.pooling``; worked solutions list every window. Max pooling
pads with −∞ (padding never wins); average pooling counts zero padding in the divisor
(``count_include_pad=True``, torch's default) but not the ceil-mode overhang past the padding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from exercises.formatting import as_int_matrix, as_matrix, display_matrix, fmt_number
from exercises.render import answer_line
from reference.analysis.sizes import pool_output_size

MAX_SPEC = AnswerSpec(kind="int_matrix", partial="per_element")
AVG_SPEC = AnswerSpec(kind="matrix", atol=0.011, partial="per_element")


def _pool(p: Params, op: str, **changes: Any) -> torch.Tensor:
    from reference import pooling

    q = {**p, **changes}
    X = torch.tensor(q["X"], dtype=torch.float64)[None, None]
    args = dict(kernel_size=q["kernel"], stride=q["stride"], padding=q["padding"], ceil_mode=q["ceil_mode"])
    if op == "max":
        return pooling.max_pool2d(X, **args)[0, 0]
    extra = {k: q[k] for k in ("count_include_pad", "divisor_override") if k in q}
    return pooling.avg_pool2d(X, **args, **extra)[0, 0]


def max_answer(p: Params) -> list[list[int]]:
    """``max_pool2d`` of the variant.

    >>> max_answer(dict(X=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=2, stride=1, padding=0, ceil_mode=False))
    [[4, 5], [7, 8]]
    """
    return as_int_matrix(_pool(p, "max"))


def avg_answer(p: Params) -> list[list[float]]:
    """``avg_pool2d`` of the variant (``count_include_pad=True``).

    >>> avg_answer(dict(X=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=2, stride=1, padding=0, ceil_mode=False))
    [[2.0, 3.0], [5.0, 6.0]]
    """
    return as_matrix(_pool(p, "avg"))


def out_size(p: Params, n: int, **changes: Any) -> int:
    q = {**p, **changes}
    return pool_output_size(n, q["kernel"], q["stride"], q["padding"], ceil_mode=q["ceil_mode"])


def windows(p: Params) -> dict[tuple[int, int], list[int | None]]:
    """Each output's window cells inside the padded input, in raster order; ``None`` marks padding.

    A ceil-mode window that overhangs the padded input keeps only the cells it covers (torch's rule).
    """
    X = np.asarray(p["X"])
    k, s, pad = p["kernel"], p["stride"], p["padding"]
    (H, W), out = X.shape, (out_size(p, X.shape[0]), out_size(p, X.shape[1]))
    cells: dict[tuple[int, int], list[int | None]] = {}
    for i, j in np.ndindex(*out):
        rows = range(i * s - pad, min(i * s - pad + k, H + pad))
        cols = range(j * s - pad, min(j * s - pad + k, W + pad))
        cells[(i, j)] = [
            int(X[r, c]) if 0 <= r < H and 0 <= c < W else None for r in rows for c in cols
        ]
    return cells


_SIZE = Text(
    "Output size: $\\{rounding}(n + 2p - k)/s \\r{rounding_close} + 1$ = {h} × {w}{dropped}.",
    "输出尺寸：$\\{rounding}(n + 2p - k)/s \\r{rounding_close} + 1$ = {h} × {w}{dropped}。",
)
_DROPPED = Text(
    " (in ceil mode a last window starting in the right/bottom padding is dropped)",
    "（ceil 模式下，起点落在右侧/下侧填充里的最后一个窗口被丢弃）",
)


def _size_line(p: Params, lang: Lang) -> str:
    X = np.asarray(p["X"])
    rounding = "lceil" if p["ceil_mode"] else "lfloor"
    close = "ceil" if p["ceil_mode"] else "floor"
    parts = []
    dropped = False
    for n in X.shape:
        out = out_size(p, n)
        span = n + 2 * p["padding"] - p["kernel"]
        raw = (-(-span // p["stride"]) if p["ceil_mode"] else span // p["stride"]) + 1
        shown = f"{raw} \\to {out}" if out != raw else f"{out}"
        dropped |= out != raw
        parts.append(
            f"$\\{rounding}({n} + 2 \\cdot {p['padding']} - {p['kernel']})/{p['stride']} \\r{close}"
            f" + 1 = {shown}$"
        )
    note = _DROPPED(lang) if dropped else ""
    return _SIZE(lang).format(rounding=rounding, rounding_close=close, h=parts[0], w=parts[1], dropped=note)


def _max_line(i: int, j: int, cells: list[int | None]) -> str:
    shown = ", ".join("-\\infty" if v is None else fmt_number(v) for v in cells)
    best = max(v for v in cells if v is not None)
    return f"- $y_{{{i},{j}}} = \\max({shown}) = {best}$"


def _avg_line(i: int, j: int, cells: list[int | None]) -> str:
    values = [0 if v is None else v for v in cells]
    shown = " + ".join(fmt_number(v) if v >= 0 else f"({v})" for v in values)
    return f"- $y_{{{i},{j}}} = ({shown}) / {len(values)} = {fmt_number(sum(values) / len(values))}$"


_EACH_MAX = Text(
    "Each output is the largest value in its window (padding is −∞ and never wins):",
    "每个输出是其窗口内的最大值（填充视为 −∞，不会被选中）：",
)
_EACH_AVG = Text(
    "Each output is the window sum divided by the number of window cells in the padded input "
    "(zero padding counts):",
    "每个输出是窗口内元素之和除以窗口在填充后输入中覆盖的格数（零填充计入）：",
)


def solution_max(p: Params, lang: Lang) -> str:
    lines = [_size_line(p, lang), _EACH_MAX(lang)]
    lines += [_max_line(i, j, cells) for (i, j), cells in windows(p).items()]
    lines.append(answer_line(max_answer(p), MAX_SPEC, lang))
    return "\n".join(lines)


def solution_avg(p: Params, lang: Lang) -> str:
    lines = [_size_line(p, lang), _EACH_AVG(lang)]
    lines += [_avg_line(i, j, cells) for (i, j), cells in windows(p).items()]
    lines.append(answer_line(avg_answer(p), AVG_SPEC, lang))
    return "\n".join(lines)


_TASK = Text(
    "Apply {name} pooling (`torch.nn.functional.{fn}`) to $X$ with a {k} × {k} window, stride {s}, "
    "padding {p}, `ceil_mode={ceil}`.{rule}",
    "对 $X$ 做{name_zh}池化（`torch.nn.functional.{fn}`），窗口 {k} × {k}，步幅 {s}，填充 {p}，"
    "`ceil_mode={ceil}`。{rule}",
)
_MAX_RULE = Text(" Padding counts as −∞.", "填充值视为 −∞。")
_AVG_RULE = Text(
    " Zero padding counts in the divisor (`count_include_pad=True`); a ceil-mode window that overhangs "
    "the padded input is divided only by the cells it covers.",
    "零填充计入除数（`count_include_pad=True`）；ceil 模式下超出填充后输入的窗口只除以它实际覆盖的格数。",
)
_GIVE_MAX = Text("Give the output as an integer matrix.", "请以整数矩阵的形式给出输出。")
_GIVE_AVG = Text(
    "Give the output matrix, entries rounded to 2 decimals.", "请给出输出矩阵，元素保留 2 位小数。"
)


def _prompt(p: Params, lang: Lang, op: str) -> str:
    names = {"max": ("max", "最大", "max_pool2d", _MAX_RULE, _GIVE_MAX),
             "avg": ("average", "平均", "avg_pool2d", _AVG_RULE, _GIVE_AVG)}
    name, name_zh, fn, rule, give = names[op]
    task = _TASK(lang).format(
        name=name, name_zh=name_zh, fn=fn, k=p["kernel"], s=p["stride"], p=p["padding"],
        ceil=p["ceil_mode"], rule=rule(lang),
    )
    return "\n\n".join([task, display_matrix("X", p["X"]), give(lang)])


def _layout(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Window, stride, padding, ceil mode and input size for a difficulty (valid by construction).

    1: 2×2 windows, stride 2; 2: overlapping 3×3 windows with stride 2, or ceil mode with a remainder;
    3: padding 1 (ceil mode on or off).
    """
    if difficulty == 1:
        return dict(kernel=2, stride=2, padding=0, ceil_mode=False, shape=rng.choice([4, 6], size=2))
    if difficulty == 2:
        if rng.integers(2) == 0:
            return dict(kernel=3, stride=2, padding=0, ceil_mode=False, shape=rng.choice([5, 7], size=2))
        k = int(rng.choice([2, 3]))
        return dict(kernel=k, stride=2, padding=0, ceil_mode=True, shape=np.full(2, 5 if k == 2 else 6))
    k = int(rng.choice([2, 3]))
    sizes = [4, 5] if k == 2 else [5]  # 3×3 windows at stride 2 on 4 + 2 cells would equal stride 3
    return dict(kernel=k, stride=2, padding=1, ceil_mode=bool(rng.integers(2)), shape=rng.choice(sizes, size=2))


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
            Text("You slid the window by 1: it moves by the stride s.", "你让窗口每次只移动 1：窗口每次移动步幅 s。"),
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
            Text("You ignored the padding: pad p cells on every side first.", "你忽略了填充：先在每一侧填充 p 格。"),
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
)

AVG_MISCONCEPTIONS = (
    *_common(avg_answer),
    Misconception(
        "max_instead_of_avg",
        Text("You took the maximum: average pooling takes the mean.", "你取了最大值：平均池化取平均值。"),
        lambda p: as_matrix(_pool(p, "max")),
    ),
    Misconception(
        "padding_not_counted",
        Text(
            "You divided by the real cells only: with count_include_pad=True zero padding counts in the divisor.",
            "你只除以了真实元素的个数：count_include_pad=True 时零填充也计入除数。",
        ),
        lambda p: _if(p["padding"] > 0, lambda: as_matrix(_pool(p, "avg", count_include_pad=False))),
    ),
    Misconception(
        "full_window_divisor",
        Text(
            "You divided an overhanging ceil-mode window by k²: it is divided by the cells it covers.",
            "你把 ceil 模式下越界的窗口除以了 k²：它只除以实际覆盖的格数。",
        ),
        lambda p: _if(_overhangs(p), lambda: as_matrix(_pool(p, "avg", divisor_override=p["kernel"] ** 2))),
    ),
)

EXERCISES = (
    Exercise(
        id="max_pool_hand",
        topic="pooling by hand",
        title=Text("Max pooling by hand", "手算最大池化"),
        generate=generate_max,
        prompt=lambda p, lang: _prompt(p, lang, "max"),
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
        prompt=lambda p, lang: _prompt(p, lang, "avg"),
        answer=avg_answer,
        solution=solution_avg,
        spec=AVG_SPEC,
        misconceptions=AVG_MISCONCEPTIONS,
    ),
)
