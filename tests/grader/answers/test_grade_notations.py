"""Typed answers as issue 9's trial typed them: an equation in the problem's own LaTeX notation, a
Chinese lead-in, a square's side as ``5x5``, a transposed matrix, a matrix in one row, and two
misconceptions that give the same value; plus properties over many notations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.exercises import registry
from cnngrade.exercises.core import AnswerSpec, Problem
from cnngrade.exercises.instantiate import instantiate
from cnngrade.grader.answers import grade_answer

from .notations import SIZE

SIDE = AnswerSpec("integer", side=True)
MAT = AnswerSpec("int_matrix", partial="per_element")
REAL = AnswerSpec("matrix", rtol=1e-3, atol=1e-3, partial="per_element")


def _problem(answer, spec, *, lang="en", mis=None, exercise_id="adhoc"):
    return Problem(
        exercise_id, f"{exercise_id}.1", 7, 1, lang, {}, "?", answer, spec, "", mis or {}, 2.0
    )


def _finding(answer, spec, typed, **kw):
    verdict = grade_answer(_problem(answer, spec, **kw), typed)
    return verdict, verdict.findings[0]


@pytest.mark.parametrize(
    "typed",
    [
        "H_{out} = n-k+2p+1",
        "$H_{out} = n-k+2p+1$",
        r"$H_{\text{out}} = n - k + 2p + 1$",
        r"\(W_{out} = n+2p-k+1\)",
        "H_out = n-k+2p+1",
        "H' = n - k + 2 p + 1",
        r"$n_{out} = \frac{2n-2k+4p+2}{2}$",
    ],
)
def test_an_equation_in_the_problems_own_notation_grades_its_right_hand_side(typed):
    verdict, finding = _finding("n - k + 2*p + 1", SIZE, typed)
    assert finding.kind == "correct", (typed, finding)


def test_an_equation_whose_left_side_is_a_symbol_is_still_refused():
    _, finding = _finding("n - k + 2*p + 1", SIZE, "n = n-k+2p+1")
    assert finding.kind == "format"


def test_a_wrong_right_hand_side_is_wrong_not_a_format_error():
    verdict, finding = _finding("n - k + 2*p + 1", SIZE, "H_{out} = n-k+p+1")
    assert finding.kind == "wrong" and verdict.counts_attempt


@pytest.mark.parametrize(
    "typed", ["感受野为15", "感受野是 15", "感受野等于15", "感受野＝15", "答：15", "15 像素"]
)
def test_a_chinese_lead_in_before_a_whole_number(typed):
    _, finding = _finding(15, AnswerSpec("integer"), typed, lang="zh")
    assert finding.kind == "correct", (typed, finding)


def test_a_negated_lead_in_is_a_format_problem():
    verdict, finding = _finding(15, AnswerSpec("integer"), "感受野不是15", lang="zh")
    assert finding.kind == "format" and not verdict.counts_attempt


@pytest.mark.parametrize("typed", ["5x5", "5×5", "5 X 5", "5*5", "感受野为5×5", "5x5 像素"])
def test_a_square_typed_as_its_two_sides_reads_as_the_side(typed):
    verdict, finding = _finding(5, SIDE, typed)
    assert finding.kind == "correct" and verdict.score == 2.0, (typed, finding)
    assert "read as a side of 5" in finding.message


def test_a_plain_side_says_nothing_about_reading():
    _, finding = _finding(5, SIDE, "5")
    assert finding.message == "Correct."


def test_unequal_sides_are_wrong_with_a_note():
    verdict, finding = _finding(5, SIDE, "5x7")
    assert finding.kind == "wrong" and finding.note == "unequal_sides" and verdict.counts_attempt
    assert "5×7" in finding.message and "side" in finding.message
    _, zh = _finding(5, SIDE, "5x7", lang="zh")
    assert "边长" in zh.message


def test_a_wrong_square_is_wrong_and_says_how_it_was_read():
    _, finding = _finding(5, SIDE, "7x7")
    assert finding.kind == "wrong" and "read as a side of 7" in finding.message


def test_sides_are_not_read_where_the_answer_is_not_a_side():
    verdict, finding = _finding(25, AnswerSpec("integer"), "5x5")
    assert finding.kind == "format" and not verdict.counts_attempt


def test_the_bank_marks_receptive_fields_and_kernel_sizes_as_sides():
    assert registry.get("receptive_field_stack").answer_spec({}).side
    assert registry.get("find_kernel").answer_spec({}).side
    assert not registry.get("find_stride").answer_spec({}).side
    problem = instantiate(registry.get("receptive_field_stack"), 3, lang="en")
    side = problem.answer
    assert grade_answer(problem, f"{side}x{side}").findings[0].kind == "correct"
    assert grade_answer(problem, f"感受野为{side}").findings[0].kind == "correct"


@pytest.mark.parametrize(
    "answer, typed",
    [
        ([[1, 2, 3], [4, 5, 6]], "[[1, 4], [2, 5], [3, 6]]"),
        ([[1, 2], [3, 4]], "1 3; 2 4"),
    ],
)
def test_a_transposed_matrix_is_named(answer, typed):
    _, finding = _finding(answer, MAT, typed)
    assert finding.note == "transposed" and "transpose" in finding.message
    _, zh = _finding(answer, MAT, typed, lang="zh")
    assert "转置" in zh.message


def test_a_symmetric_or_right_matrix_is_never_called_transposed():
    _, right = _finding([[1, 2], [3, 4]], MAT, "1 2; 3 4")
    assert right.kind == "correct"
    _, sym = _finding([[1, 2], [2, 1]], MAT, "1 2; 2 5")
    assert sym.note != "transposed"


def test_four_numbers_in_one_row_for_a_matrix_ask_for_rows():
    verdict, finding = _finding([[1, 2], [3, 4]], MAT, "1 2 3 4")
    assert (
        finding.kind == "format" and not verdict.counts_attempt and "row by row" in finding.message
    )
    verdict, finding = _finding([[1, 2], [3, 4]], MAT, "[1, 2, 3, 4]")
    assert finding.kind == "format"
    _, zh = _finding([[1, 2], [3, 4]], MAT, "1 2 3 4", lang="zh")
    assert "逐行" in zh.message


def test_a_vector_answer_may_be_typed_in_one_row():
    _, finding = _finding([[1], [2], [3]], MAT, "1 2 3")
    assert finding.kind == "correct"
    _, finding = _finding([1.5, 2.5], REAL, "1.5 2.5")
    assert finding.kind == "correct"


def test_two_misconceptions_with_the_same_value_are_both_named():
    problem = instantiate(registry.get("find_stride"), 0, lang="en")
    notes = {
        n
        for n, v in problem.misconception_answers.items()
        if v == problem.misconception_answers["no_plus_one"]
    }
    assert len(notes) >= 2  # seed 0: forgetting +1 and padding once give the same stride
    typed = str(problem.misconception_answers["no_plus_one"])
    finding = grade_answer(problem, typed).findings[0]
    assert finding.kind == "misconception" and set(finding.detail["misconceptions"]) == notes
    exercise = registry.get("find_stride")
    for m in exercise.misconceptions:
        if m.note in notes:
            assert m.feedback("en") in finding.message
    zh = grade_answer(problem, typed, "zh").findings[0]
    assert "常见错误" in zh.message


@settings(max_examples=60, deadline=None)
@given(
    side=st.integers(1, 99),
    form=st.sampled_from(["{a}", "{a}x{a}", "{a}×{a}", "{a} * {a}", "感受野为{a}", "答：{a}x{a}"]),
)
def test_any_right_side_in_any_accepted_notation_scores_full(side, form):
    verdict = grade_answer(_problem(side, SIDE), form.format(a=side))
    assert verdict.score == 2.0, (form, side, verdict.findings)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(2, 4),
    cols=st.integers(2, 4),
    data=st.data(),
)
def test_any_right_matrix_scores_full_and_its_transpose_is_named(rows, cols, data):
    values = data.draw(st.lists(st.integers(-9, 9), min_size=rows * cols, max_size=rows * cols))
    answer = np.array(values).reshape(rows, cols)
    typed_rows = "; ".join(" ".join(map(str, r)) for r in answer)
    assert grade_answer(_problem(answer.tolist(), MAT), typed_rows).score == 2.0
    assert grade_answer(_problem(answer.tolist(), MAT), str(answer.tolist())).score == 2.0
    transposed = "; ".join(" ".join(map(str, r)) for r in answer.T)
    finding = grade_answer(_problem(answer.tolist(), MAT), transposed).findings[0]
    symmetric = rows == cols and (answer == answer.T).all()
    assert finding.kind == "correct" if symmetric else finding.note == "transposed"


@settings(max_examples=60, deadline=None)
@given(
    lhs=st.sampled_from(["H_{out}", r"W_{\text{out}}", "H'", "n_{out}", "H_out", "H_{o}", "out"]),
    rhs=st.sampled_from(
        [
            r"\left\lfloor \frac{n+2p-k}{s} \right\rfloor + 1",
            "floor((n + 2p - k)/s) + 1",
            "⌊(n-k+2p)/s⌋+1",
            r"\lfloor (n - k + 2 p) / s \rfloor + 1",
        ]
    ),
    wrap=st.sampled_from(["{}", "${}$", r"\({}\)", "$${}$$"]),
    space=st.sampled_from(["=", " = ", "= "]),
)
def test_any_right_formula_as_an_equation_in_any_notation_scores_full(lhs, rhs, wrap, space):
    typed = wrap.format(f"{lhs}{space}{rhs}")
    verdict = grade_answer(_problem("floor((n + 2*p - k)/s) + 1", SIZE), typed)
    assert verdict.score == 2.0, (typed, verdict.findings)
