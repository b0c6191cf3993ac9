"""Feedback in the student's language; solutions only when attached; student text never becomes HTML."""

from __future__ import annotations

from cnngrade.grader.feedback import feedback_html, feedback_markdown
from cnngrade.grader.types import Finding, StudentResult, Verdict


def _result(detail=None, errors=()):
    findings = (Finding("misconception", "You forgot the +1.", "no_plus_one", 1.0, detail or {}),)
    return StudentResult(
        "s1", (Verdict("conv_output_shape.1", "conv_output_shape", 1.0, 2.0, findings),), errors
    )


def test_markdown_in_english_and_chinese():
    en = feedback_markdown(_result(), "en", title="HW1")
    zh = feedback_markdown(_result(), "zh", title="HW1")
    assert "# HW1 — Feedback" in en and "**Total:** 1 / 2" in en and "`no_plus_one`" in en
    assert "# HW1 — 反馈" in zh and "**总分：** 1 / 2" in zh and "答案标记" in zh
    assert "conv_output_shape.1" in en and "— 1 / 2" in en


def test_solution_only_when_the_finding_carries_it():
    assert "Worked solution" not in feedback_markdown(_result(), "en")
    md = feedback_markdown(_result({"solution": "o = (n - k + 2p)/s + 1 = 14"}), "en")
    assert "Worked solution" in md and "= 14" in md


def test_errors_are_listed_and_escaped():
    md = feedback_markdown(
        _result(errors=("answers.yaml: unknown slot '<script>alert(1)</script>'",)), "en"
    )
    assert "Problems with the submission" in md and "<script>" not in md
    page = feedback_html(_result(errors=("<img src=x onerror=alert(1)>",)), "en", title="HW1")
    assert page.lstrip().lower().startswith("<!doctype html") and "<img" not in page


def test_html_page_has_every_part_and_its_formulas_as_mathml():
    page = feedback_html(_result(), "zh", title="HW1")
    assert "<h1>HW1 — 反馈</h1>" in page and "conv_output_shape.1" in page
    with_solution = feedback_html(
        _result({"solution": "$o = 14$\n\n**Answer:** 14"}), "en", title="HW1"
    )
    assert "<details>" in with_solution and "<math" in with_solution
    assert "$o = 14$" not in with_solution and "<script" not in with_solution.lower()
