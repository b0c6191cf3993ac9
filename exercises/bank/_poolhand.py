"""Pooling by hand, the arithmetic: answers from ``reference.pooling``, windows, worked solutions, prompts.

Parameters: ``X`` (a 2-D integer matrix), square window ``kernel``, ``stride``, ``padding``,
``ceil_mode``. Max pooling pads with −∞ (padding never wins); average pooling counts zero padding in the
divisor (``count_include_pad=True``, torch's default) but not the ceil-mode overhang past the padding.
The exercises themselves (variants, wrong rules) are in ``pooling_hand.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnngrade.exercises.core import AnswerSpec, Lang, Params, Text
from cnngrade.exercises.formatting import as_int_matrix, as_matrix, display_matrix, fmt_number
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.sizes import pool_output_size

# Max-pooling answers are integers, but typed as a real matrix so that a student who averages instead
# (non-integer entries) is parsed and diagnosed rather than rejected as malformed.
MAX_SPEC = AnswerSpec(kind="matrix", atol=0.011, partial="per_element")
AVG_SPEC = AnswerSpec(kind="matrix", atol=0.011, partial="per_element")


def pool(p: Params, op: str, **changes: Any) -> torch.Tensor:
    from cnngrade.reference import pooling

    q = {**p, **changes}
    X = torch.tensor(q["X"], dtype=torch.float64)[None, None]
    args = dict(
        kernel_size=q["kernel"], stride=q["stride"], padding=q["padding"], ceil_mode=q["ceil_mode"]
    )
    if op == "max":
        return pooling.max_pool2d(X, **args)[0, 0]
    extra = {k: q[k] for k in ("count_include_pad", "divisor_override") if k in q}
    return pooling.avg_pool2d(X, **args, **extra)[0, 0]


def max_answer(p: Params) -> list[list[int]]:
    """``max_pool2d`` of the variant.

    >>> max_answer(dict(X=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=2, stride=1, padding=0, ceil_mode=False))
    [[4, 5], [7, 8]]
    """
    return as_int_matrix(pool(p, "max"))


def avg_answer(p: Params) -> list[list[float]]:
    """``avg_pool2d`` of the variant (``count_include_pad=True``).

    >>> avg_answer(dict(X=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=2, stride=1, padding=0, ceil_mode=False))
    [[2.0, 3.0], [5.0, 6.0]]
    """
    return as_matrix(pool(p, "avg"))


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
    return _SIZE(lang).format(
        rounding=rounding, rounding_close=close, h=parts[0], w=parts[1], dropped=note
    )


def _max_line(i: int, j: int, cells: list[int | None]) -> str:
    shown = ", ".join("-\\infty" if v is None else fmt_number(v) for v in cells)
    best = max(v for v in cells if v is not None)
    return f"- $y_{{{i},{j}}} = \\max({shown}) = {best}$"


def _avg_line(i: int, j: int, cells: list[int | None]) -> str:
    values = [0 if v is None else v for v in cells]
    shown = " + ".join(fmt_number(v) if v >= 0 else f"({v})" for v in values)
    return (
        f"- $y_{{{i},{j}}} = ({shown}) / {len(values)} = {fmt_number(sum(values) / len(values))}$"
    )


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


def prompt(p: Params, lang: Lang, op: str) -> str:
    """The prompt of a max (``op="max"``) or average (``"avg"``) pooling variant."""
    names = {
        "max": ("max", "最大", "max_pool2d", _MAX_RULE, _GIVE_MAX),
        "avg": ("average", "平均", "avg_pool2d", _AVG_RULE, _GIVE_AVG),
    }
    name, name_zh, fn, rule, give = names[op]
    task = _TASK(lang).format(
        name=name,
        name_zh=name_zh,
        fn=fn,
        k=p["kernel"],
        s=p["stride"],
        p=p["padding"],
        ceil=p["ceil_mode"],
        rule=rule(lang),
    )
    return "\n\n".join([task, display_matrix("X", p["X"]), give(lang)])
