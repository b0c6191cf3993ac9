"""Why is an answer wrong? Named misconceptions first (STACK's buggy rules), then which part is wrong.

Messages never contain the expected answer: they name the misconception, the dimensions that are
wrong, the count and first position of wrong matrix elements, or a point where a formula differs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.core import Lang, Problem, Text
from cnngrade.grader.answers.equivalence import Match, canonical, match

__all__ = [
    "describe",
    "find_misconceptions",
    "misconception_feedback",
    "misconceptions_feedback",
]

_DIM_NAMES = {
    1: (("length", "长度"),),
    2: (("height", "高"), ("width", "宽")),
    3: (("channels", "通道数"), ("height", "高"), ("width", "宽")),
    4: (("batch size", "批量大小"), ("channels", "通道数"), ("height", "高"), ("width", "宽")),
    5: (
        ("batch size", "批量大小"),
        ("channels", "通道数"),
        ("depth", "深"),
        ("height", "高"),
        ("width", "宽"),
    ),
}


def find_misconceptions(problem: Problem, got: Any, rng: np.random.Generator) -> list[str]:
    """The notes of every misconception whose answer equals ``got`` (within the spec's tolerance).

    Two misconceptions of a variant may give answers within the tolerance of each other; the
    student's answer is then explained by both, and both are named.

    >>> from exercises.core import AnswerSpec
    >>> p = Problem("x", "x.1", 0, 1, "en", {}, "?", 10, AnswerSpec("integer"), "",
    ...             {"no_bias": 9, "no_plus_one": 9, "padding_once": 8}, 1.0)
    >>> find_misconceptions(p, 9, np.random.default_rng(0))
    ['no_bias', 'no_plus_one']
    """
    found = []
    for note, wrong in problem.misconception_answers.items():
        try:
            expected = canonical(wrong, problem.spec)
        except ValueError:  # an unreadable buggy-rule answer cannot be diagnosed (bank-tested)
            continue
        if match(got, expected, problem.spec, rng).equal:
            found.append(note)
    return found


def misconception_feedback(problem: Problem, note: str, lang: Lang) -> str:
    """The misconception's feedback sentence from the exercise bank, in ``lang``."""
    from cnngrade.exercises import registry

    try:
        exercise = registry.get(problem.exercise_id)
    except ValueError:
        exercise = None
    for m in exercise.misconceptions if exercise is not None else ():
        if m.note == note:
            return m.feedback(lang)
    label = note.replace("_", " ")
    return Text(f"This is a known mistake ({label}).", f"这是一个常见错误（{label}）。")(lang)


def misconceptions_feedback(problem: Problem, notes: list[str], lang: Lang) -> str:
    """The feedback of one misconception, or of several that give the same answer, each named."""
    if len(notes) == 1:
        return misconception_feedback(problem, notes[0], lang)
    lead = Text(
        "Your answer fits {n} known mistakes, which give the same value here:",
        "你的答案符合 {n} 个常见错误（它们在本题给出相同的值）：",
    ).format(n=len(notes))(lang)
    parts = [f"({i}) {misconception_feedback(problem, n, lang)}" for i, n in enumerate(notes, 1)]
    return " ".join([lead, *parts])


def _dims(detail: dict, lang: Lang) -> str:
    if "dims_right" not in detail:
        return Text(
            "The shape has {n} dimensions; count the dimensions again (batch, channels, height, width).",
            "形状有 {n} 个维度；请重新数一数维度（批量、通道、高、宽）。",
        ).format(n=detail["ndim"])(lang)
    right = detail["dims_right"]
    names = _DIM_NAMES.get(len(right)) or tuple(
        (f"dimension {i + 1}", f"第 {i + 1} 维") for i in range(len(right))
    )
    pick = 1 if lang == "zh" else 0
    ok = [n[pick] for n, r in zip(names, right, strict=False) if r]
    bad = [n[pick] for n, r in zip(names, right, strict=False) if not r]
    sep = "、" if lang == "zh" else ", "
    if not ok:
        return Text("Every dimension is wrong.", "每一维都不对。")(lang)
    return Text("{ok} right; {bad} wrong.", "{ok}正确；{bad}错误。").format(
        ok=sep.join(ok), bad=sep.join(bad)
    )(lang)


def _elements(detail: dict, lang: Lang) -> str:
    if "wrong" not in detail:
        shape = "×".join(str(d) for d in detail["shape"])
        return Text(
            "Your matrix is {s}, which is not the size of the result: check the output size first.",
            "你的矩阵是 {s}，大小不对：请先检查输出尺寸。",
        ).format(s=shape)(lang)
    first = detail["first_wrong"]
    if len(first) == 2:
        where = Text("row {r}, column {c}", "第 {r} 行第 {c} 列").format(
            r=first[0] + 1, c=first[1] + 1
        )
    else:
        where = Text("index {i}", "下标 {i}").format(i=tuple(first))
    return Text(
        "{w} of {t} elements wrong, the first at {at}.", "{t} 个元素中有 {w} 个错误，第一个在{at}。"
    ).format(w=detail["wrong"], t=detail["total"], at=where(lang))(lang)


def _formula(detail: dict, lang: Lang) -> str:
    point = detail.get("counterexample")
    if not point:
        return Text("The formula is not equivalent to the answer.", "该式子与答案不等价。")(lang)
    at = ", ".join(f"{k} = {v}" for k, v in point.items())
    return Text(
        "The formula is not equivalent to the answer: it gives a different value at {at}.",
        "该式子与答案不等价：在 {at} 时取值不同。",
    ).format(at=at)(lang)


_ORDER = {3: "(C, H, W)", 4: "(N, C, H, W)", 5: "(N, C, D, H, W)"}


def _order(got: tuple, want: tuple, lang: Lang) -> str | None:
    """A message when ``got`` holds the right sizes in another order (None otherwise)."""
    if len(got) != len(want) or sorted(got) != sorted(want):
        return None
    order = _ORDER.get(len(want), "")
    if len(want) >= 3 and tuple(got) == (*want[:-3], want[-2], want[-1], want[-3]):
        return Text(
            "The sizes are right but in channels-last order (H×W×C, as some slides draw it); "
            "answers here are channels first: {order}.",
            "各维大小正确，但顺序是通道在后（H×W×C，部分课件这样画）；这里的答案要求通道在前：{order}。",
        ).format(order=order)(lang)
    return Text(
        "The sizes are right but in the wrong order: write channels first, {order}.",
        "各维大小正确但顺序不对：通道在前，写成 {order}。",
    ).format(order=order or "(N, C, H, W)")(lang)


def describe(problem: Problem, got: Any, found: Match, lang: Lang) -> str:
    """One sentence saying which part of a wrong answer is wrong, without giving the answer away.

    >>> from exercises.core import AnswerSpec
    >>> spec = AnswerSpec("int_matrix", partial="per_element")
    >>> p = Problem("x", "x.1", 0, 1, "zh", {}, "?", [[1, 2], [3, 4]], spec, "", {}, 1.0)
    >>> got = np.array([[1, 2], [0, 4]])
    >>> describe(p, got, match(got, canonical(p.answer, spec), spec), "zh")
    '4 个元素中有 1 个错误，第一个在第 2 行第 1 列。'
    """
    kind = problem.spec.kind
    if kind == "shape":
        order = _order(tuple(got), canonical(problem.answer, problem.spec), lang)
        return order or _dims(found.detail, lang)
    if kind in ("matrix", "int_matrix"):
        return _elements(found.detail, lang)
    if kind == "symbolic":
        return _formula(found.detail, lang)
    if kind == "choice":
        return Text("That is not the right option.", "所选选项不正确。")(lang)
    return Text("The value is not correct.", "数值不正确。")(lang)
