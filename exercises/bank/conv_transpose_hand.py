"""Transposed convolution by hand: every input element scales a copy of the kernel; copies add up.

``y[i, j] = Σ X[a, b] K[u, v]`` over ``a s + u - p = i`` and ``b s + v - p = j`` — the same as inserting
``s - 1`` zeros between the inputs, padding by ``k - 1 - p`` and cross-correlating with the flipped kernel
(how the course notes explain it). The answer is ``reference.conv_transpose.conv_transpose2d``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnngrade.exercises.bank._handconv import SPEC, nonzero_integers
from cnngrade.exercises.core import Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import as_int_matrix, display_matrix, fmt_number, sum_of_products
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.sizes import conv_transpose_output_size


def transpose_answer(p: Params) -> list[list[int]]:
    """``conv_transpose2d(X, K, stride=s, padding=p)`` of one channel, as an int matrix.

    >>> transpose_answer(dict(X=[[0, 1], [2, 3]], K=[[0, 1], [2, 3]], stride=1, padding=0))
    [[0, 0, 1], [0, 4, 6], [4, 12, 9]]
    """
    from cnngrade.reference.conv_transpose import conv_transpose2d

    X = torch.tensor(p["X"], dtype=torch.float64)[None, None]
    K = torch.tensor(p["K"], dtype=torch.float64)[None, None]
    return as_int_matrix(conv_transpose2d(X, K, stride=p["stride"], padding=p["padding"])[0, 0])


def _terms(p: Params) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """For each output position, the ``(X[a, b], K[u, v])`` pairs that land on it, in raster order."""
    X, K, s, pad = np.asarray(p["X"]), np.asarray(p["K"]), p["stride"], p["padding"]
    size = _size(p)
    terms: dict[tuple[int, int], list[tuple[int, int]]] = {ij: [] for ij in np.ndindex(size, size)}
    for a, b, u, v in np.ndindex(*X.shape, *K.shape):
        i, j = a * s + u - pad, b * s + v - pad
        if 0 <= i < size and 0 <= j < size:
            terms[(i, j)].append((int(X[a, b]), int(K[u, v])))
    return terms


def _size(p: Params) -> int:
    return conv_transpose_output_size(
        len(p["X"]), len(p["K"]), stride=p["stride"], padding=p["padding"]
    )


def _overwritten(p: Params) -> list[list[int]] | None:
    """The buggy scatter that writes each scaled kernel copy over the previous one instead of adding.

    Not applicable (``None``) when the copies cannot overlap (kernel no larger than the stride).
    """
    if len(p["K"]) <= p["stride"]:
        return None
    return [[t[-1][0] * t[-1][1] if t else 0 for t in row] for row in _rows_of_terms(p)]


def _rows_of_terms(p: Params) -> list[list[list[tuple[int, int]]]]:
    terms, size = _terms(p), _size(p)
    return [[terms[(i, j)] for j in range(size)] for i in range(size)]


_TASK = Text(
    "Compute by hand the transposed convolution (`torch.nn.functional.conv_transpose2d`, one input and "
    "one output channel) of $X$ with the kernel $K$, stride $s = {s}$, padding $p = {p}$.",
    "手算 $X$ 与卷积核 $K$ 的转置卷积（`torch.nn.functional.conv_transpose2d`，单输入单输出通道），"
    "步幅 $s = {s}$，填充 $p = {p}$。",
)
_GIVE = Text("Give the output as an integer matrix.", "请以整数矩阵的形式给出输出。")
_SIZE = Text(
    "Output size $(n - 1)s - 2p + k = ({n} - 1) \\cdot {s} - 2 \\cdot {p} + {k} = {out}$ in each dimension.",
    "输出尺寸 $(n - 1)s - 2p + k = ({n} - 1) \\cdot {s} - 2 \\cdot {p} + {k} = {out}$（每一维）。",
)
_RULE = Text(
    "Each input element $X_{a,b}$ scales a copy of $K$ whose top-left corner lands at "
    "$(a s - p, b s - p)$; overlapping copies are added, and what falls outside the output is cropped:",
    "每个输入元素 $X_{a,b}$ 乘以一份 $K$，其左上角放在 $(a s - p, b s - p)$；重叠部分相加，"
    "超出输出范围的部分裁掉：",
)


def prompt(p: Params, lang: Lang) -> str:
    return "\n\n".join(
        [
            _TASK(lang).format(s=p["stride"], p=p["padding"]),
            display_matrix("X", p["X"]),
            display_matrix("K", p["K"]),
            _GIVE(lang),
        ]
    )


def solution(p: Params, lang: Lang) -> str:
    """Worked solution: the size formula, the scatter rule, each element as its sum of products."""
    n, k, s, pad = len(p["X"]), len(p["K"]), p["stride"], p["padding"]
    lines = [_SIZE(lang).format(n=n, s=s, p=pad, k=k, out=_size(p)), _RULE(lang)]
    for (i, j), pairs in _terms(p).items():
        xs, ks = [x for x, _ in pairs], [w for _, w in pairs]
        total = sum(x * w for x, w in pairs)
        lines.append(f"- $y_{{{i},{j}}} = {sum_of_products(xs, ks)} = {fmt_number(total)}$")
    lines.append(answer_line(transpose_answer(p), SPEC, lang))
    return "\n".join(lines)


def generate(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Stride 2; a 2×2 kernel on a 2×2 input at difficulty 1, then 3×3 kernels with padding 1."""
    n = 2 if difficulty < 3 else int(rng.integers(2, 3, endpoint=True))
    k = 2 if difficulty == 1 else 3
    pad = 0 if difficulty == 1 else 1
    X = _unflippable(nonzero_integers(rng, 1 if difficulty == 1 else -2, 3, (n, n)))
    K = _unflippable(nonzero_integers(rng, -1, 2, (k, k)))
    return dict(X=X, K=K, stride=2, padding=pad)


def _unflippable(values: list[list[int]]) -> list[list[int]]:
    """Non-zero entries whose first and last differ, so the matrix differs from its 180° rotation."""
    M = np.asarray(values)
    if M[0, 0] == M[-1, -1]:
        M[-1, -1] = M[0, 0] + 1 if M[0, 0] != -1 else 1
    return M.tolist()


def _mis(note: str, en: str, zh: str, rule) -> Misconception:
    return Misconception(note, Text(en, zh), rule)


EXERCISES = (
    Exercise(
        id="conv_transpose_hand",
        topic="transposed convolution by hand",
        title=Text("Transposed convolution by hand", "手算转置卷积"),
        generate=generate,
        prompt=prompt,
        answer=transpose_answer,
        solution=solution,
        spec=SPEC,
        misconceptions=(
            _mis(
                "stride_ignored",
                "You used stride 1: with stride s the kernel copies are placed s pixels apart.",
                "你按步幅 1 计算了：步幅为 s 时，相邻两份卷积核副本相隔 s 个像素放置。",
                lambda p: transpose_answer({**p, "stride": 1}),
            ),
            _mis(
                "kernel_flipped",
                "You flipped the kernel: the scattered copies of K are not flipped (only the "
                "equivalent zero-insertion convolution uses the flipped kernel).",
                "你把卷积核翻转了：散布的卷积核副本不翻转（只有等价的“插零再卷积”做法才用翻转后的卷积核）。",
                lambda p: transpose_answer({**p, "K": np.asarray(p["K"])[::-1, ::-1].tolist()}),
            ),
            _mis(
                "padding_ignored",
                "You ignored the padding: padding p crops p rows/columns from every side of the output.",
                "你忽略了填充：转置卷积的填充 p 表示从输出的每一侧裁掉 p 行/列。",
                lambda p: transpose_answer({**p, "padding": 0}) if p["padding"] else None,
            ),
            _mis(
                "overlaps_not_summed",
                "Where kernel copies overlap, their contributions are added, not overwritten.",
                "卷积核副本重叠的位置要把各自的贡献相加，而不是覆盖。",
                _overwritten,
            ),
        ),
    ),
)
