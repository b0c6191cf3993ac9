"""Fuzzing the parsers: any text gives a value or a FormatError — never another exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnngrade.exercises.core import AnswerSpec, Problem, Text
from cnngrade.grader.answers import FormatError, grade_answer, parse_answer

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


# ---------------------------------------------------------------- any text, and pathological text

ALL_SPECS = {
    **SPECS,
    "matrix": AnswerSpec("matrix", rtol=1e-3, partial="per_element"),
    "count": AnswerSpec("integer", units=True),
    "formula": AnswerSpec(
        "symbolic", symbols=(("C_in", "positive_integer"), ("C_out", "positive_integer"))
    ),
}
ALL_KEYS = {**KEYS, "matrix": [[0.5, 1.5]], "count": 60964224, "formula": "C_in*C_out"}
# what answers are made of: numbers, signs, words, LaTeX, CJK labels and units
TOKENS = [
    *"0123456789",
    "12.5",
    "1e7",
    "60,964,224",
    "−",
    "×",
    "·",
    "÷",
    "²",
    "⁻³",
    "%",
    "K",
    "M",
    "万",
    "亿",
    "个",
    "参数",
    "channels",
    "GFLOPs",
    "答：",
    "选",
    "=",
    ":",
    "@",
    "n",
    "k",
    "C_in",
    "C_{out}",
    "floor",
    "⌊",
    "⌋",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "\\frac",
    "\\lfloor",
    "\\rfloor",
    "\\left",
    "\\right",
    "\\cdot",
    "\\text",
    "\\begin{bmatrix}",
    "\\end{bmatrix}",
    "&",
    "\\\\",
    "array(",
    "dtype=int32",
    ";",
    "，",
    "；",
    "\n",
    " ",
    "A",
    "b",
    "【",
    "】",
    "^",
    "**",
    "//",
    "|",
    "---",
    "$",
]
answer_like = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
towers = st.lists(st.sampled_from(["9", "n", "64", "(n+k)", "k^9", "99"]), min_size=3, max_size=8)
nestings = st.integers(min_value=13, max_value=2000)


def _verdict_of(kind: str, raw: object):
    spec = ALL_SPECS[kind]
    problem = Problem("fuzz", "fuzz.1", 5, 1, "zh", {}, "?", ALL_KEYS[kind], spec, "", {}, 1.0)
    verdict = grade_answer(problem, raw)
    assert len(verdict.findings) == 1 and 0.0 <= verdict.score <= 1.0
    assert verdict.counts_attempt == (verdict.findings[0].kind != "format")
    return verdict


@pytest.mark.parametrize("kind", list(ALL_SPECS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300))
def test_any_unicode_text_gets_a_verdict(kind, text):
    _verdict_of(kind, text)


@pytest.mark.parametrize("kind", list(ALL_SPECS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=answer_like)
def test_answer_like_text_gets_a_verdict(kind, text):
    _verdict_of(kind, text)


@settings(max_examples=40, deadline=None)
@given(parts=towers, parenthesized=st.booleans())
def test_power_towers_are_refused_by_the_size_rule_before_anything_is_computed(
    parts, parenthesized
):
    text = "^".join(parts)
    if parenthesized:  # ((9^9)^9)^9: sympy would multiply the exponents out
        text = "(" * (len(parts) - 1) + parts[0] + "".join(f"^{p})" for p in parts[1:])
    verdict = _verdict_of("symbolic", text)
    if "n" not in text and "k" not in text and _bits(parts, parenthesized) > 4096:
        assert verdict.findings[0].kind == "format", text


def _bits(parts: list[str], parenthesized: bool) -> float:
    """log2 of the tower's value (plain numbers): over the grader's 4096-bit cap it is refused;
    under it, ((9^9)^9) = 9^81 is a fine (wrong) number."""
    import math

    base = math.log2(max(int(parts[0]), 2))
    if parenthesized:
        return base * math.prod(int(p) for p in parts[1:])
    exponent = 1.0
    for p in reversed(parts[1:]):
        exponent = int(p) ** exponent if exponent < 64 else math.inf
    return base * exponent


@settings(max_examples=20, deadline=None)
@given(depth=nestings, kind=st.sampled_from(sorted(ALL_SPECS)))
def test_deep_nesting_is_refused(depth, kind):
    for text in ("(" * depth + "1" + ")" * depth, "[" * depth + "1" + "]" * depth):
        assert _verdict_of(kind, text).findings[0].kind == "format", (kind, depth)
    latex = "\\frac{" * depth + "n" + "}{k}" * depth
    assert _verdict_of("symbolic", latex).findings[0].kind == "format"
