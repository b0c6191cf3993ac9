"""Parsing what students type: every accepted notation, and a FormatError naming the format otherwise."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.exercises.core import AnswerSpec, Text
from cnngrade.grader.answers import FormatError, parse_answer

INT = AnswerSpec("integer")
UNITS = AnswerSpec("integer", units=True)
NUM = AnswerSpec("number", rtol=1e-3)
SHAPE = AnswerSpec("shape")
MAT = AnswerSpec("int_matrix")
SYM = AnswerSpec(
    "symbolic",
    symbols=(
        ("n", "positive_integer"),
        ("k", "positive_integer"),
        ("p", "nonnegative_integer"),
        ("s", "positive_integer"),
    ),
)
CHOICE = AnswerSpec(
    "choice",
    choices=(
        Text("zeros", "补零"),
        Text("reflect", "反射"),
        Text("replicate", "复制"),
        Text("circular", "循环"),
    ),
)


@pytest.mark.parametrize(
    "typed",
    [
        "60964224",
        "60,964,224",
        "60 964 224",
        "60_964_224",
        "６０，９６４，２２４",
        " 60964224 。",
        "6.0964224e7",
        "6.0964224×10^7",
    ],
)
def test_integer_notations(typed):
    assert parse_answer(typed, INT) == 60964224


@pytest.mark.parametrize(
    "typed,value",
    [
        ("159.5K", 159500),
        ("159.5k", 159500),
        ("61M", 61_000_000),
        ("1.2G", 1_200_000_000),
        ("3", 3),
    ],
)
def test_units_where_the_spec_allows(typed, value):
    assert parse_answer(typed, UNITS) == value


@pytest.mark.parametrize(
    "typed",
    [
        "159.5K",
        "1,5",
        "60,96,4224",
        "1.5",
        "12 34",
        "--3",
        "0x10",
        "1e99",
        "9" * 31,
        "",
        "   ",
        "三",
        "NaN",
        "inf",
    ],
)
def test_integer_format_errors(typed):
    with pytest.raises(FormatError):
        parse_answer(typed, INT)


@pytest.mark.parametrize(
    "typed,value",
    [
        ("0.125", Fraction(1, 8)),
        ("1/8", Fraction(1, 8)),
        ("-2.5", Fraction(-5, 2)),
        (".5", Fraction(1, 2)),
        ("1.2e-3", Fraction(12, 10_000)),
    ],
)
def test_numbers(typed, value):
    assert parse_answer(typed, NUM) == value


@pytest.mark.parametrize(
    "typed",
    [
        "(1, 6, 28, 28)",
        "1x6x28x28",
        "1×6×28×28",
        "1X6X28X28",
        "[1,6,28,28]",
        "（1，6，28，28）",
        "［1，6，28，28］",
        "1 6 28 28",
        "torch.Size([1, 6, 28, 28])",
        "1×6@28×28",
        "1, 6, 28, 28",
    ],
)
def test_shape_notations(typed):
    assert parse_answer(typed, SHAPE) == (1, 6, 28, 28)


def test_slides_at_notation_is_channels_first():
    assert parse_answer("6@28×28", SHAPE) == (6, 28, 28)
    assert parse_answer("16@5x5", SHAPE) == (16, 5, 5)


@pytest.mark.parametrize(
    "typed", ["28*28*6", "(1, 6, 28)(", "1.5x2", "(a, b)", "6@", "@28x28", "-1x3", "()"]
)
def test_shape_format_errors(typed):
    with pytest.raises(FormatError) as err:
        parse_answer(typed, SHAPE)
    assert "(2, 3, 7, 9)" in err.value.text.en or "channels-first" in err.value.text.en


def test_star_shape_message_explains_why():
    with pytest.raises(FormatError) as err:
        parse_answer("28*28*6", SHAPE)
    assert "ambiguous" in err.value.text.en and "歧义" in err.value.text("zh")


@pytest.mark.parametrize(
    "typed",
    [
        "[[19, 25], [37, 43]]",
        "[[19 25]\n [37 43]]",
        "19 25\n37 43",
        "19 25; 37 43",
        "19,25;37,43",
        "［［19，25］，［37，43］］",
        "19，25；37，43",
        "array([[19, 25],\n       [37, 43]])",
        "tensor([[19., 25.],\n        [37., 43.]])",
        "[[19.0, 25.0], [37.0, 43.0]]",
        "\\begin{bmatrix} 19 & 25 \\\\ 37 & 43 \\end{bmatrix}",
        "$$\\begin{pmatrix}19&25\\\\37&43\\end{pmatrix}$$",
        "| 19 | 25 |\n|---|---|\n| 37 | 43 |",
    ],
)
def test_matrix_notations(typed):
    np.testing.assert_array_equal(parse_answer(typed, MAT), [[19, 25], [37, 43]])


@pytest.mark.parametrize(
    "typed",
    [
        "[[1, 2], [3]]",
        "1 2; 3",
        "[[1, 2], [3, 4]",
        "[[1, 2]] [3, 4]]",
        "[[a, b]]",
        "[" * 50 + "]" * 50,
        "1 2; x 4",
        "[]",
        "[[nan]]",
    ],
)
def test_matrix_format_errors(typed):
    with pytest.raises(FormatError):
        parse_answer(typed, MAT)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("floor((n + 2p - k)/s) + 1", "floor((n + 2*p - k)/s) + 1"),
        ("⌊(n+2p-k)/s⌋+1", "floor((n + 2*p - k)/s) + 1"),
        ("⌈(n-k+1)/s⌉", "ceiling((n - k + 1)/s)"),
        ("ceil((n-k+1)/s)", "ceiling((n - k + 1)/s)"),
        ("k^2 n", "k**2*n"),
        ("k**2*n", "k**2*n"),
        ("2k(p+1)", "2*k*(p + 1)"),
        ("N K", "n*k"),
        ("max(n, k) - min(p, s)", "Max(n, k) - Min(p, s)"),
        ("sqrt(k^2)", "k"),
        ("k²", "k**2"),
        ("1/k² + 1/n", "1/k**2 + 1/n"),
        ("0.5k", "k/2"),
    ],
)
def test_symbolic_notations(typed, expected):
    import sympy

    from cnngrade.grader.answers.symbolic import symbols_for

    got = parse_answer(typed, SYM)
    want = sympy.sympify(expected, locals=symbols_for(SYM.symbols))
    assert sympy.simplify(got - want) == 0


@pytest.mark.parametrize(
    "typed",
    [
        "x + 1",
        "kp",
        "n.real",
        "n__class__",
        "'n'",
        "lambda n",
        "(n",
        "n)",
        "⌊n)",
        "n +* k",
        "9^9^9",
        "2^(99*n)",
        "exp(n)",
        "n; k",
        "n = 1",
        "n[0",
        "123456789012",
    ],
)
def test_symbolic_format_errors(typed):
    with pytest.raises(FormatError):
        parse_answer(typed, SYM)


@pytest.mark.parametrize(
    "typed,index",
    [
        ("A", 0),
        ("b", 1),
        ("(c)", 2),
        ("D.", 3),
        ("2", 1),
        ("reflect", 1),
        ("  Circular ", 3),
        ("补零", 0),
        ("Ｂ", 1),
    ],
)
def test_choice_notations(typed, index):
    assert parse_answer(typed, CHOICE) == index


@pytest.mark.parametrize("typed", ["E", "5", "0", "AB", "mirror", ""])
def test_choice_format_errors_name_the_letters(typed):
    with pytest.raises(FormatError) as err:
        parse_answer(typed, CHOICE)
    assert "A–D" in err.value.text.en and "A–D" in err.value.text("zh")


def test_format_messages_come_in_both_languages():
    with pytest.raises(FormatError) as err:
        parse_answer("abc", INT)
    assert "whole number" in err.value.text("en") and "整数" in err.value.text("zh")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_any_integer_round_trips_with_and_without_separators(v):
    assert parse_answer(f"{v:,}", INT) == v
    assert parse_answer(str(v), INT) == v


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=512), min_size=1, max_size=5))
def test_any_shape_round_trips(dims):
    assert parse_answer(str(tuple(dims)), SHAPE) == tuple(dims)
    assert parse_answer("×".join(map(str, dims)), SHAPE) == tuple(dims)
