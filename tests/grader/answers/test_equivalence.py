"""Equivalence and partial credit: exact integers, tolerant reals, symbolic by simplify + probing."""

from __future__ import annotations

import numpy as np
import pytest

from cnngrade.exercises.core import AnswerSpec
from cnngrade.grader.answers import parse_answer
from cnngrade.grader.answers.equivalence import canonical, match

SYM = AnswerSpec(
    "symbolic",
    symbols=(
        ("n", "positive_integer"),
        ("k", "positive_integer"),
        ("p", "nonnegative_integer"),
        ("s", "positive_integer"),
    ),
)


def _m(typed, key, spec, seed=0):
    return match(parse_answer(typed, spec), canonical(key, spec), spec, np.random.default_rng(seed))


def test_integers_are_exact():
    spec = AnswerSpec("integer")
    assert _m("60964224", 60964224, spec).equal
    assert not _m("60964225", 60964224, spec).equal


def test_reals_use_the_spec_tolerance_never_float_equality():
    spec = AnswerSpec("number", rtol=1e-2)
    assert _m("0.1185", 0.11851851851851852, spec).equal
    assert not _m("0.12", 0.11851851851851852, spec).equal
    assert _m("0.3", 0.1 + 0.2, AnswerSpec("number")).equal  # 0.1 + 0.2 != 0.3 in floats


def test_absolute_tolerance_near_zero():
    assert _m("0.0004", 0.0, AnswerSpec("number", atol=1e-3)).equal
    assert not _m("0.004", 0.0, AnswerSpec("number", atol=1e-3)).equal


@pytest.mark.parametrize(
    "typed",
    [
        "floor((n + 2p - k)/s) + 1",
        "floor((n + 2p - k + s)/s)",
        "ceil((n + 2p - k + 1)/s)",
        "⌊(n - k + 2p)/s⌋ + 1",
    ],
)
def test_floor_and_ceil_identities_over_integers_are_accepted(typed):
    found = _m(typed, "floor((n + 2*p - k)/s) + 1", SYM)
    assert found.equal and found.fraction == 1.0


@pytest.mark.parametrize(
    "typed",
    [
        "(n + 2p - k)/s + 1",
        "floor((n + 2p - k)/s)",
        "floor((n + p - k)/s) + 1",
        "ceil((n + 2p - k)/s) + 1",
    ],
)
def test_near_miss_formulas_are_refused_with_a_counterexample(typed):
    found = _m(typed, "floor((n + 2*p - k)/s) + 1", SYM)
    assert not found.equal and found.fraction == 0.0
    assert found.detail["differ"] > 0 and set(found.detail["counterexample"]) == {
        "n",
        "k",
        "p",
        "s",
    }


def test_algebraic_rewriting_is_accepted():
    spec = AnswerSpec(
        "symbolic", symbols=(("C_out", "positive_integer"), ("k", "positive_integer"))
    )
    assert _m("(k^2 + C_out)/(C_out k^2)", "1/C_out + 1/k**2", spec).equal
    assert not _m("1/C_out + 1/k", "1/C_out + 1/k**2", spec).equal


def test_positive_real_domains_are_probed_too():
    spec = AnswerSpec("symbolic", symbols=(("x", "positive_real"),))
    assert _m("sqrt(x^2)", "x", spec).equal
    assert not _m("x^2", "x", spec).equal


def test_shape_partial_credit_is_per_dimension():
    spec = AnswerSpec("shape", partial="per_dimension")
    found = _m("(1, 6, 27, 27)", [1, 6, 28, 28], spec)
    assert found.fraction == 0.5 and found.detail["dims_right"] == [True, True, False, False]
    assert _m("(6, 28, 28)", [1, 6, 28, 28], spec).fraction == 0.0
    assert _m("(1, 6, 27, 27)", [1, 6, 28, 28], AnswerSpec("shape")).fraction == 0.0


def test_matrix_partial_credit_is_half_for_shape_plus_half_the_right_fraction():
    spec = AnswerSpec("int_matrix", partial="per_element")
    key = [[1, 2], [3, 4]]
    found = _m("[[1, 2], [3, 5]]", key, spec)
    assert found.fraction == pytest.approx(0.5 + 0.5 * 3 / 4)
    assert found.detail == {"wrong": 1, "total": 4, "first_wrong": [1, 1]}
    assert _m("[[9, 9], [9, 9]]", key, spec).fraction == 0.5
    assert _m("[[1, 2, 3]]", key, spec).fraction == 0.0
    assert _m("[[1, 2], [3, 5]]", key, AnswerSpec("int_matrix")).fraction == 0.0


def test_int_matrix_entries_are_exact():
    spec = AnswerSpec("int_matrix")
    assert not _m("[[1.0000001]]", [[1]], spec).equal
    assert _m("[[1.0]]", [[1]], spec).equal


def test_float_matrix_uses_tolerance():
    spec = AnswerSpec("matrix", rtol=1e-3, atol=1e-4)
    assert _m("[[0.333, 0.5]]", [[1 / 3, 0.5]], spec).equal
    assert not _m("[[0.33, 0.5]]", [[1 / 3, 0.5]], spec).equal


def test_a_row_vector_typed_for_a_1d_answer_is_accepted():
    assert _m("1 2 3", [1, 2, 3], AnswerSpec("int_matrix")).equal


def test_choice_is_exact():
    from cnngrade.exercises.core import Text

    spec = AnswerSpec("choice", choices=(Text("a", "甲"), Text("b", "乙")))
    assert _m("B", 1, spec).equal and not _m("A", 1, spec).equal


def test_probing_is_exact_where_floats_would_round():
    # -6/15 + 11/15 + 10/15 is 1 exactly, but 0.9999999999999999 in floats: floor must still be 1
    from fractions import Fraction

    from cnngrade.grader.answers.equivalence import _compiled, _value

    typed = parse_answer("floor(-k/s + n/s + 2p/s) + 1", SYM)
    point = [Fraction(11), Fraction(6), Fraction(5), Fraction(15)]  # n, k, p, s
    assert _value(_compiled(typed, SYM.symbols), point) == 2
    assert _m("floor(-k/s + n/s + 2p/s) + 1", "floor((n + 2*p - k)/s) + 1", SYM).equal
