"""Rendering: canonical answer display, student documents without key material, HTML keeps LaTeX."""

from __future__ import annotations

import json

import pytest

from cnngrade.exercises import registry
from cnngrade.exercises.core import AnswerSpec
from cnngrade.exercises.instantiate import instantiate
from cnngrade.exercises.render import (
    answer_forms,
    answer_key,
    answer_line,
    answer_text,
    problem_set,
)


def test_answer_text_per_kind() -> None:
    assert answer_text(60964224, AnswerSpec("integer")) == "60,964,224"
    assert answer_text([1, 6, 28, 28], AnswerSpec("shape")) == "(1, 6, 28, 28)"
    assert answer_text([[1, 2]], AnswerSpec("int_matrix")).startswith(r"\begin{bmatrix}")
    assert answer_text(2, AnswerSpec("choice")) == "C"
    assert "6×28×28" in answer_forms([6, 28, 28], AnswerSpec("shape"))
    assert answer_line([[1]], AnswerSpec("int_matrix"), "zh").startswith("**答案：** $$")


@pytest.fixture(scope="module")
def problems():
    ids = ("conv_output_shape", "inception_params", "receptive_field_dilated", "find_padding")
    return [instantiate(registry.get(i), 7 + n, difficulty=2, lang="en") for n, i in enumerate(ids)]


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_student_document_has_prompts_but_no_answers(problems, fmt: str) -> None:
    page = problem_set(problems, fmt, title="HW", student_id="s1", lang="en")
    key = answer_key(problems, fmt, title="HW", student_id="s1", lang="en")
    for p in problems:
        first_line = p.solution.split("\n")[0]
        assert first_line[:30] not in page
        if fmt == "md":
            assert p.prompt in page and p.solution in key
            assert answer_line(p.answer, p.spec, "en") in key
    if fmt == "json":
        data = json.loads(page)
        assert {"answer", "params", "solution", "misconception_answers"}.isdisjoint(
            data["problems"][0]
        )
        assert len(json.loads(key)["problems"]) == len(problems)


def test_unknown_format_is_rejected(problems) -> None:
    with pytest.raises(ValueError, match="format='pdf'"):
        problem_set(problems, "pdf", title="t", student_id="s", lang="en")


# HTML pages (MathML, offline, escaping): tests/exercises/test_render_html.py
