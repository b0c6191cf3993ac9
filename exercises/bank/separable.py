"""Spatially separable kernels: factor a rank-1 integer kernel, and tell which kernel is separable.

``K = c rᵀ`` (a column times a row, like Sobel = [1, 2, 1]ᵀ [-1, 0, 1] in the course notes) lets a
k × k convolution run as a k × 1 pass then a 1 × k pass. The factors are unique once ``r`` is made
primitive (its entries have gcd 1) and the first non-zero entry of ``c`` is positive — the convention
of ``reference.separable.factor_separable``, which computes every answer here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import bmatrix, display_matrix
from cnngrade.exercises.render import answer_line

FACTOR_SPEC = AnswerSpec(kind="int_matrix", partial="per_element")


def factors(p: Params) -> list[list[int]]:
    """``[c, r]`` from ``factor_separable(K)``: the column in the first row, the row in the second.

    >>> factors(dict(K=[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]))
    [[1, 2, 1], [-1, 0, 1]]
    """
    from cnngrade.reference.separable import factor_separable

    column, row = factor_separable(torch.tensor(p["K"], dtype=torch.float64))
    return [[int(v) for v in column.round().tolist()], [int(v) for v in row.round().tolist()]]


def _vector(rng: np.random.Generator, k: int, low: int, high: int) -> np.ndarray:
    """An integer vector with at least two non-zero entries (built directly)."""
    v = rng.integers(low, high, size=k, endpoint=True)
    first, second = rng.choice(k, size=2, replace=False)
    v[first] = v[first] or high
    v[second] = v[second] or low or 1
    return v


def generate_factor(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: 3×3 with a non-negative column; 2: 3×3 with signs; 3: 4×4. The row is made primitive so the
    common factor of K's rows sits in the column (a student must divide it out)."""
    k = 4 if difficulty == 3 else 3
    column = _vector(rng, k, 1 if difficulty == 1 else -2, 3)
    row = _vector(rng, k, -2, 2)
    row //= math.gcd(*(abs(int(v)) for v in row))
    K = np.outer(column, row)
    return dict(K=K.tolist())


_FACTOR_TASK = Text(
    "The kernel $K$ is spatially separable: $K = c\\, r^\\top$ for a column $c$ and a row $r$ of integers. "
    "Find them, with $r$ primitive (the gcd of its entries is 1) and the first non-zero entry of $c$ "
    "positive. Answer with a 2 × {k} integer matrix: $c$ in the first row, $r$ in the second.",
    "卷积核 $K$ 可空间分离：$K = c\\, r^\\top$，其中列向量 $c$ 和行向量 $r$ 都是整数向量。"
    "求出它们，要求 $r$ 的各元素最大公约数为 1，且 $c$ 的第一个非零元素为正。"
    "以 2 × {k} 的整数矩阵作答：第一行为 $c$，第二行为 $r$。",
)
_FACTOR_STEPS = Text(
    "Every non-zero row of $K$ is a multiple of $r$. Take the first non-zero row {first}, divide by the gcd "
    "of its entries ({g}): $r = {r}$. Each entry of $c$ is the multiple of $r$ in that row of $K$: "
    "$c = {c}$. Check: $c\\, r^\\top = {product}$.",
    "$K$ 的每个非零行都是 $r$ 的倍数。取第一个非零行 {first}，除以其元素的最大公约数（{g}）："
    "$r = {r}$。$c$ 的每个元素就是 $K$ 对应行是 $r$ 的几倍：$c = {c}$。验证：$c\\, r^\\top = {product}$。",
)
_FLIP_SIGN = Text(
    "The first non-zero entry of $c$ must be positive, so both factors change sign.",
    "$c$ 的第一个非零元素必须为正，所以两个因子同时变号。",
)


def _vec(values) -> str:
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def prompt_factor(p: Params, lang: Lang) -> str:
    return "\n\n".join([_FACTOR_TASK(lang).format(k=len(p["K"])), display_matrix("K", p["K"])])


def solution_factor(p: Params, lang: Lang) -> str:
    """Worked solution: the first non-zero row made primitive is r; the multiples down a column are c."""
    K = np.asarray(p["K"])
    first = next(row for row in K if row.any())
    g = math.gcd(*(abs(int(v)) for v in first))
    r = first // g
    j = int(np.flatnonzero(r)[0])
    c = K[:, j] // r[j]
    steps = _FACTOR_STEPS(lang).format(
        first=_vec(first), g=g, r=_vec(r), c=_vec(c), product=bmatrix(np.outer(c, r))
    )
    lines = [steps]
    if c[np.flatnonzero(c)[0]] < 0:
        lines.append(_FLIP_SIGN(lang))
    lines.append(answer_line(factors(p), FACTOR_SPEC, lang))
    return "\n\n".join(lines)


def _swapped(p: Params) -> list[list[int]] | None:
    column, row = factors(p)
    return None if column == row else [row, column]


def _gcd_kept(p: Params) -> list[list[int]] | None:
    """The first non-zero row taken as r without dividing out its gcd (when c stays integral)."""
    K = np.asarray(p["K"])
    first = next(row for row in K if row.any())
    j = int(np.flatnonzero(first)[0])
    if math.gcd(*(abs(int(v)) for v in first)) == 1 or np.any(K[:, j] % first[j]):
        return None
    return [(K[:, j] // first[j]).tolist(), first.tolist()]


FACTOR_MISCONCEPTIONS = (
    Misconception(
        "column_row_swapped",
        Text(
            "You swapped the factors: c is the column (how the rows of K scale), r is the row pattern.",
            "你把两个因子弄反了：c 是列向量（K 各行的倍数），r 是行向量（每行的模式）。",
        ),
        _swapped,
    ),
    Misconception(
        "sign_convention",
        Text(
            "Your factors multiply to K, but the convention asks for the first non-zero entry of c to be positive.",
            "你的因子相乘确实等于 K，但题目约定 c 的第一个非零元素为正。",
        ),
        lambda p: [[-v for v in vec] for vec in factors(p)],
    ),
    Misconception(
        "gcd_not_removed",
        Text(
            "You took a row of K as r without dividing out the gcd of its entries; r must be primitive.",
            "你直接把 K 的一行当作 r，没有除以其元素的最大公约数；r 的元素最大公约数必须为 1。",
        ),
        _gcd_kept,
    ),
)


_SYMMETRIC = (  # symmetric kernels that are not separable (rank 2 or 3)
    [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    [[1, 1, 1], [1, -8, 1], [1, 1, 1]],
    [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    [[1, 2, 1], [2, 1, 2], [1, 2, 1]],
)
ROLES = ("separable", "almost_rank_one", "symmetric", "rows_permuted")


def generate_check(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """One rank-1 kernel and three that are not, shuffled.

    The almost-rank-one kernel adds 1 to the centre of another rank-1 kernel (rank 2 because both of its
    factors have two non-zero entries); the rows-permuted kernel is a circulant of three distinct
    numbers (rank >= 2); the symmetric one comes from a list of classic non-separable filters.
    """
    low = 0 if difficulty == 1 else -2
    separable = np.outer(_vector(rng, 3, max(low, 1), 2), _vector(rng, 3, low, 2))
    almost = np.outer(_vector(rng, 3, max(low, 1), 2), _vector(rng, 3, low, 2))
    almost[1, 1] += 1
    a, b, c = rng.choice(np.arange(-2, 4), size=3, replace=False)
    circulant = np.array([[a, b, c], [c, a, b], [b, c, a]])
    symmetric = np.array(_SYMMETRIC[int(rng.integers(len(_SYMMETRIC)))])
    kernels = dict(zip(ROLES, (separable, almost, symmetric, circulant), strict=True))
    order = [ROLES[i] for i in rng.permutation(len(ROLES))]
    return dict(kernels=[kernels[role].tolist() for role in order], roles=order)


def separable_index(p: Params) -> int:
    """The index of the one kernel ``factor_separable`` accepts (it raises on the others).

    >>> separable_index(dict(kernels=[[[0, 1, 0], [1, -4, 1], [0, 1, 0]], [[1, 2, 1], [2, 4, 2], [1, 2, 1]]]))
    1
    """
    from cnngrade.reference.separable import factor_separable

    accepted = []
    for index, K in enumerate(p["kernels"]):
        try:
            factor_separable(torch.tensor(K, dtype=torch.float64))
        except ValueError:
            continue
        accepted.append(index)
    if len(accepted) != 1:
        raise ValueError(f"kernels must hold exactly one separable kernel, got {len(accepted)}")
    return accepted[0]


def check_spec(p: Params) -> AnswerSpec:
    choices = tuple(Text(f"${bmatrix(K)}$", f"${bmatrix(K)}$") for K in p["kernels"])
    return AnswerSpec(kind="choice", choices=choices)


_CHECK_TASK = Text(
    "Which of these 3 × 3 kernels is spatially separable (equal to a column vector times a row vector, so "
    "it can run as a 3 × 1 then a 1 × 3 convolution)?",
    "下列 3 × 3 卷积核中，哪一个可空间分离（等于一个列向量乘一个行向量，因而可以拆成 3 × 1 和 1 × 3 "
    "两次卷积）？",
)
_CHECK_WHY = Text(
    "A kernel is separable exactly when it has rank 1: every row is a multiple of one row. Here that is "
    "kernel {letter} $= {column}^\\top {row}$. {others}",
    "卷积核可分离当且仅当其秩为 1：每一行都是同一行向量的倍数。这里是卷积核 {letter} $= {column}^\\top {row}$。{others}",
)
_OTHERS = Text(
    "The others have rank ≥ 2 (symmetry does not make a kernel separable, and one changed entry breaks it).",
    "其余卷积核的秩 ≥ 2（对称并不意味着可分离，改动一个元素也会破坏可分离性）。",
)


def prompt_check(p: Params, lang: Lang) -> str:
    return _CHECK_TASK(lang)


def solution_check(p: Params, lang: Lang) -> str:
    index = separable_index(p)
    column, row = factors({"K": p["kernels"][index]})
    why = _CHECK_WHY(lang).format(
        letter=chr(ord("A") + index), column=_vec(column), row=_vec(row), others=_OTHERS(lang)
    )
    return "\n\n".join([why, answer_line(index, check_spec(p), lang)])


def _role_index(role: str):
    return lambda p: p["roles"].index(role)


CHECK_MISCONCEPTIONS = (
    Misconception(
        "symmetric_is_separable",
        Text(
            "A symmetric kernel need not be separable: separable means rank 1 (every row a multiple of one row).",
            "对称的卷积核不一定可分离：可分离意味着秩为 1（每一行都是同一行的倍数）。",
        ),
        _role_index("symmetric"),
    ),
    Misconception(
        "almost_rank_one",
        Text(
            "Check every row, not just most of them: one changed entry makes the rows non-proportional.",
            "要检查每一行而不只是大多数行：改动一个元素就会让各行不再成比例。",
        ),
        _role_index("almost_rank_one"),
    ),
    Misconception(
        "rows_permuted",
        Text(
            "Rows with the same entries in another order are not multiples of each other.",
            "元素相同但顺序不同的行并不是彼此的倍数。",
        ),
        _role_index("rows_permuted"),
    ),
)

EXERCISES = (
    Exercise(
        id="separable_factor",
        topic="separable convolution",
        title=Text("Factor a separable kernel", "分解可分离卷积核"),
        generate=generate_factor,
        prompt=prompt_factor,
        answer=factors,
        solution=solution_factor,
        spec=FACTOR_SPEC,
        misconceptions=FACTOR_MISCONCEPTIONS,
    ),
    Exercise(
        id="separable_check",
        topic="separable convolution",
        title=Text("Which kernel is separable?", "哪个卷积核可分离？"),
        generate=generate_check,
        prompt=prompt_check,
        answer=separable_index,
        solution=solution_check,
        spec=check_spec,
        misconceptions=CHECK_MISCONCEPTIONS,
    ),
)
