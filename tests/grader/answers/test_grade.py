"""grade_answer: one finding per verdict — correct, partial, wrong, misconception or format."""

from __future__ import annotations

import pytest

from cnngrade.exercises import registry
from cnngrade.exercises.core import AnswerSpec, Problem
from cnngrade.exercises.instantiate import instantiate
from cnngrade.grader.answers import grade_answer, missing_verdict


def _problem(
    answer, spec, *, lang="en", points=2.0, mis=None, exercise_id="adhoc", solution="worked"
):
    return Problem(
        exercise_id,
        f"{exercise_id}.1",
        7,
        1,
        lang,
        {},
        "?",
        answer,
        spec,
        solution,
        mis or {},
        points,
    )


SHAPE = AnswerSpec("shape", partial="per_dimension")


def test_correct_answer_earns_full_points():
    v = grade_answer(_problem([1, 6, 28, 28], SHAPE), "1×6×28×28")
    assert (
        v.passed
        and v.score == 2.0
        and v.findings[0].kind == "correct"
        and v.findings[0].note == "correct"
    )


def test_format_finding_costs_no_attempt_and_says_the_expected_format():
    v = grade_answer(_problem([1, 6, 28, 28], SHAPE), "one by six")
    f = v.findings[0]
    assert (v.score, v.counts_attempt, f.kind, f.note) == (0.0, False, "format", "format")
    assert "(2, 3, 7, 9)" in f.message


def test_format_finding_is_in_the_problems_language():
    v = grade_answer(_problem([1, 6, 28, 28], SHAPE, lang="zh"), "")
    assert "答案为空" in v.findings[0].message


def test_partial_credit_says_which_dimension_is_wrong():
    v = grade_answer(_problem([1, 6, 28, 28], SHAPE), "(1, 6, 28, 14)")
    f = v.findings[0]
    assert f.kind == "partial" and v.score == pytest.approx(1.5) and v.counts_attempt
    assert f.message == "batch size, channels, height right; width wrong."
    zh = (
        grade_answer(_problem([1, 6, 28, 28], SHAPE, lang="zh"), "(1, 6, 28, 14)")
        .findings[0]
        .message
    )
    assert zh == "批量大小、通道数、高正确；宽错误。"


def test_messages_never_reveal_the_key():
    key = [[19, 25], [37, 43]]
    p = _problem(key, AnswerSpec("int_matrix", partial="per_element"))
    v = grade_answer(p, "[[19, 25], [36, 43]]")
    assert v.findings[0].message == "1 of 4 elements wrong, the first at row 2, column 1."
    assert "37" not in repr(v) and "solution" not in v.findings[0].detail


def test_worked_solution_only_when_enabled():
    p = _problem(7, AnswerSpec("integer"), solution="n = 7 because ...")
    assert "solution" not in grade_answer(p, "8").findings[0].detail
    assert (
        grade_answer(p, "8", show_solution=True).findings[0].detail["solution"]
        == "n = 7 because ..."
    )
    assert "solution" not in grade_answer(p, "7", show_solution=True).findings[0].detail


def test_misconception_is_named_with_the_banks_feedback():
    exercise = registry.get("conv_output_shape")
    problem = next(
        p
        for p in (instantiate(exercise, s, lang="zh") for s in range(50))
        if "no_plus_one" in p.misconception_answers
    )
    wrong = problem.misconception_answers["no_plus_one"]
    v = grade_answer(problem, str(tuple(wrong)))
    f = v.findings[0]
    feedback = next(m.feedback for m in exercise.misconceptions if m.note == "no_plus_one")
    assert f.kind == "misconception" and f.note == "no_plus_one"
    assert f.message.startswith(feedback("zh"))
    assert v.score < v.max_score


def test_unregistered_misconception_still_gets_a_named_finding():
    p = _problem(10, AnswerSpec("integer"), mis={"forgot_bias": 9})
    f = grade_answer(p, "9").findings[0]
    assert f.kind == "misconception" and f.note == "forgot_bias" and "forgot bias" in f.message


def test_permuted_shape_gets_an_order_hint():
    f = grade_answer(_problem([1, 6, 28, 14], SHAPE), "(1, 28, 14, 6)").findings[0]
    assert "order" in f.message


def test_symbolic_wrong_answer_names_a_differing_point():
    spec = AnswerSpec("symbolic", symbols=(("k", "positive_integer"), ("C", "positive_integer")))
    f = grade_answer(_problem("C*k**2 + C", spec), "C k^2").findings[0]
    assert f.kind == "wrong" and "k = " in f.message and "C = " in f.message


def test_same_problem_same_verdict():
    spec = AnswerSpec("symbolic", symbols=(("k", "positive_integer"),))
    p = _problem("floor(k/2)", spec)
    assert grade_answer(p, "k/2") == grade_answer(p, "k/2")


def test_missing_verdict():
    v = missing_verdict(_problem(1, AnswerSpec("integer"), lang="zh"))
    assert (
        v.findings[0].kind == "missing"
        and v.score == 0
        and v.max_score == 2.0
        and "未作答" in v.findings[0].message
    )


def test_language_can_be_given_positionally_as_in_the_architecture():
    p = _problem(7, AnswerSpec("integer"), lang="en")
    assert grade_answer(p, "8", "zh").findings[0].message == "数值不正确。"


def test_an_unparseable_key_is_a_bank_error_not_a_format_finding():
    from cnngrade.grader.answers import FormatError

    spec = AnswerSpec("symbolic", symbols=(("k", "positive_integer"),))
    with pytest.raises(ValueError, match="not a formula") as err:
        grade_answer(_problem("log(k)", spec), "k")
    assert not isinstance(err.value, FormatError)
    ok = _problem("k + 1", spec, mis={"weird": "log(k)", "no_plus_one": "k"})
    assert grade_answer(ok, "k").findings[0].note == "no_plus_one"
