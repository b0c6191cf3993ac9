"""``grade_answer(problem, raw)``: parse → compare → diagnose, as one :class:`grader.types.Verdict`.

The verdict's findings, in order: exactly one of ``correct`` / ``partial`` / ``wrong`` /
``misconception`` / ``format``. A ``format`` finding costs no attempt (``counts_attempt=False``). The
finding's ``note`` is the answer note for item analysis (``"correct"``, ``"format"``, ``"wrong"``,
``"partial"``, the misconception's note, or ``"rounded"``: an exact count typed as ``6.1e7`` or
``61M`` that agrees with the answer to the digits typed — wrong, and told to write every digit;
``unequal_sides``: ``5x7`` where a square's side is asked; ``transposed``: a matrix whose transpose
is the answer). A side typed as ``5x5`` is read as 5 and the message says so. A matrix answer typed
as one row (``1 2 3 4`` for a 2×2 result) is a format finding asking for rows, unless the answer is
a vector. Two misconceptions giving the same answer within tolerance are both named (the note is
the first; ``detail["misconceptions"]`` lists all). With ``show_solution=True`` a wrong answer's finding
carries the variant's worked solution in ``detail["solution"]``; the expected answer itself is never
put in a message.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.core import Lang, Problem, Text
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.answers.diagnose import (
    describe,
    find_misconceptions,
    misconceptions_feedback,
)
from cnngrade.grader.answers.equivalence import canonical, match
from cnngrade.grader.answers.numbers import scaled_digits, side_pair
from cnngrade.grader.answers.parse import parse_answer
from cnngrade.grader.answers.text import FormatError
from cnngrade.grader.types import Finding, Verdict

__all__ = ["grade_answer", "missing_verdict"]

_PROBE_STREAM = 0x5EED  # a fixed offset: probe points differ from the variant's own draws


def _verdict(problem: Problem, finding: Finding, counts_attempt: bool = True) -> Verdict:
    return Verdict(
        slot=problem.slot,
        exercise_id=problem.exercise_id,
        score=finding.score,
        max_score=float(problem.points),
        findings=(finding,),
        counts_attempt=counts_attempt,
    )


def _rounded(problem: Problem, raw: Any, got: Any, lang: Lang) -> Finding | None:
    """A wrong exact count typed in a scaled notation (``6.1e7``, ``61M``) that is the answer rounded."""
    spec = problem.spec
    digits = scaled_digits(raw, units=spec.units) if spec.kind == "integer" else None
    want = canonical(problem.answer, spec)
    if digits is None or 2 * abs(want - got) > 10 ** max(len(str(abs(want))) - digits, 0):
        return None
    message = Text(
        "Your value agrees with the answer only to the {d} significant digits you wrote; this "
        "question asks for the exact count: write every digit (e.g. 1234567, not 1.2e6).",
        "你的数值只在所写的 {d} 位有效数字上与答案一致；本题要求精确的个数：请写出全部数字"
        "（例如 1234567，而不是 1.2e6）。",
    ).format(d=digits)
    return Finding("wrong", message(lang), "rounded", 0.0, {"significant_digits": digits})


def _one_row(problem: Problem, got: Any, lang: Lang) -> Finding | None:
    """A format finding for a matrix typed as one row of as many numbers as the answer has, when the
    answer has several rows and columns (a vector answer may be typed as a row)."""
    want = np.asarray(canonical(problem.answer, problem.spec))
    rows = got.shape[0] if got.ndim == 2 else 1
    if want.ndim != 2 or min(want.shape) == 1 or rows != 1 or got.size != want.size:
        return None
    return Finding(
        "format",
        Text(
            "You typed a single row, but the result is a {r}×{c} matrix: type it row by row, e.g. "
            "[[1, 2], [3, 4]] or 1 2; 3 4 (rows separated by ';' or new lines).",
            "你只写了一行，但结果是 {r}×{c} 的矩阵：请逐行填写，例如 [[1, 2], [3, 4]] 或 1 2; 3 4"
            "（行之间用 ';' 或换行分隔）。",
        ).format(r=want.shape[0], c=want.shape[1])(lang),
        note="format",
    )


def _transposed(problem: Problem, got: Any) -> bool:
    """Is ``got``, a wrong answer (so not a symmetric answer itself), the answer's transpose, with
    the spec's tolerances (:func:`match`)?"""
    want = np.asarray(canonical(problem.answer, problem.spec))
    if want.ndim != 2 or min(want.shape) == 1:
        return False
    return match(got, want.T, problem.spec).equal


def missing_verdict(problem: Problem, lang: Lang | None = None) -> Verdict:
    """The verdict of a slot the student left unanswered.

    >>> from exercises.core import AnswerSpec
    >>> p = Problem("x", "x.1", 0, 1, "zh", {}, "?", 3, AnswerSpec("integer"), "", {}, 1.0)
    >>> missing_verdict(p).findings[0].message
    '未作答。'
    """
    message = Text("No answer was given.", "未作答。")(lang or problem.lang)
    return _verdict(problem, Finding("missing", message, note="missing"))


def grade_answer(
    problem: Problem, raw: Any, lang: Lang | None = None, *, show_solution: bool = False
) -> Verdict:
    """Grade one typed answer for one personal problem.

    Args:
        problem: the student's variant (regenerated by the grader, never read from the submission).
        raw: what the student typed.
        lang: language of the messages (default: the problem's).
        show_solution: attach the worked solution to a wrong answer's finding.

    >>> from exercises.core import AnswerSpec
    >>> p = Problem("demo", "demo.1", 0, 1, "en", {}, "?", [1, 6, 28, 28],
    ...             AnswerSpec("shape", partial="per_dimension"), "", {}, 2.0)
    >>> v = grade_answer(p, "1×6×28×27")
    >>> v.score, v.findings[0].message
    (1.5, 'batch size, channels, height right; width wrong.')
    """
    lang = lang or problem.lang
    spec = problem.spec
    sides = side_pair(raw) if spec.kind == "integer" and spec.side else None
    if sides is not None and sides[0] != sides[1]:
        return _verdict(problem, Finding("wrong", Text(
            "You typed two different sides, {a}×{b}: the answer is one side length of a square "
            "(write 5 or 5×5 for a 5×5 square).",
            "你写了两个不同的边长 {a}×{b}：答案是正方形的边长（5×5 的正方形写 5 或 5×5）。",
        ).format(a=sides[0], b=sides[1])(lang), "unequal_sides"))  # fmt: skip
    if sides is not None:
        raw = str(sides[0])
    try:
        got = parse_answer(raw, spec)
    except FormatError as err:
        return _verdict(
            problem, Finding("format", err.text(lang), note="format"), counts_attempt=False
        )
    if spec.kind in ("matrix", "int_matrix") and (row := _one_row(problem, got, lang)):
        return _verdict(problem, row, counts_attempt=False)
    read_as = (
        Text(" ({a}×{a} read as a side of {a}.)", "（{a}×{a} 按边长 {a} 计。）").format(a=sides[0])(
            lang
        )
        if sides is not None
        else ""
    )
    rng = rng_for((int(problem.seed) + _PROBE_STREAM) % 2**64)
    found = match(got, canonical(problem.answer, spec), spec, rng)
    points = float(problem.points)
    score = round(points * found.fraction, 6)
    if found.equal:
        message = Text("Correct.", "正确。")(lang) + read_as
        return _verdict(problem, Finding("correct", message, "correct", points))
    detail = dict(found.detail)
    if show_solution and problem.solution:
        detail["solution"] = problem.solution
    notes = find_misconceptions(problem, got, rng)
    if not notes and (rounded := _rounded(problem, raw, got, lang)) is not None:
        return _verdict(problem, rounded)
    described = describe(problem, got, found, lang) + read_as
    if notes:
        message = f"{misconceptions_feedback(problem, notes, lang)} {described}"
        if len(notes) > 1:
            detail["misconceptions"] = list(notes)
        return _verdict(problem, Finding("misconception", message, notes[0], score, detail))
    if spec.kind in ("matrix", "int_matrix") and _transposed(problem, got):
        message = Text(
            "Your matrix is the transpose of the result: rows and columns are swapped.",
            "你的矩阵是结果的转置：行与列颠倒了。",
        )(lang)
        return _verdict(problem, Finding("wrong", message, "transposed", score, detail))
    kind = "partial" if score > 0 else "wrong"
    return _verdict(problem, Finding(kind, described, kind, score, detail))
