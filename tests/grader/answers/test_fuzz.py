"""Fuzzing the parsers: any text gives a value or a FormatError — never another exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercises.core import AnswerSpec, Problem, Text
from grader.answers import FormatError, grade_answer, parse_answer

SPECS = {
    "integer": AnswerSpec("integer", units=True),
    "number": AnswerSpec("number", rtol=1e-3),
    "shape": AnswerSpec("shape", partial="per_dimension"),
    "int_matrix": AnswerSpec("int_matrix", partial="per_element"),
    "symbolic": AnswerSpec(
        "symbolic",
        symbols=(("n", "positive_integer"), ("k", "positive_integer"), ("x", "positive_real")),
    ),
    "choice": AnswerSpec("choice", choices=(Text("zeros", "补零"), Text("reflect", "反射"))),
}
KEYS = {
    "integer": 12,
    "number": 0.5,
    "shape": [1, 6, 28, 28],
    "int_matrix": [[1, 2], [3, 4]],
    "symbolic": "floor((n - k)/2) + 1",
    "choice": 1,
}
# characters that matter to some parser, plus a few that matter to none
ALPHABET = list("0123456789 ,.;:_'()[]{}+-*/^%@xX×KkMmGgnpsfloorceiqtmaxbdA|&\\\n\t$") + [
    "，",
    "；",
    "（",
    "）",
    "⌊",
    "⌋",
    "⌈",
    "⌉",
    "²",
    "−",
    "·",
    "__",
    "**",
    "e",
    "E",
    "lambda",
    "import",
]
texts = st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join)


@pytest.mark.parametrize("kind", list(SPECS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_parse_answer_never_raises_anything_but_format_error(kind, text):
    with contextlib.suppress(FormatError):
        parse_answer(text, SPECS[kind])


@pytest.mark.parametrize("kind", list(SPECS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_grade_answer_always_returns_a_verdict(kind, text):
    problem = Problem("fuzz", "fuzz.1", 5, 1, "en", {}, "?", KEYS[kind], SPECS[kind], "", {}, 1.0)
    verdict = grade_answer(problem, text)
    assert 0.0 <= verdict.score <= 1.0 and len(verdict.findings) == 1
