"""Feedback pages offline: formulas as MathML, a shrunk case's matrices one row per line (HTML and Markdown)."""

from __future__ import annotations

import re

from cnngrade.grader.feedback import feedback_html, feedback_markdown
from cnngrade.grader.types import Finding, StudentResult, Verdict

SHRUNK = (
    "Smallest failing case: corr2d(X, K)\nX = shape (2, 3)\n[[1. 1. 0.]\n [0. 2. 3.]]\n"
    "K = shape (1, 1)\n[[2.]]\nexpected output = shape (2, 3)\n[[2. 2. 0.]\n [0. 4. 6.]]"
)


def _result(*messages: str) -> StudentResult:
    findings = tuple(Finding("case_failed", m, note="shrunk_case") for m in messages)
    return StudentResult("s1", (Verdict("corr2d.1", "corr2d", 0.0, 3.0, findings),))


def test_html_keeps_each_matrix_row_on_its_own_line() -> None:
    page = feedback_html(_result(SHRUNK), "en")
    pre = re.search(r"<pre>(.*?)</pre>", page, re.S)
    assert pre is not None and "Smallest failing case: corr2d(X, K)<pre>" in page
    assert pre.group(1).split("\n")[1:3] == ["[[1. 1. 0.]", " [0. 2. 3.]]"]


def test_markdown_keeps_each_matrix_row_on_its_own_line() -> None:
    md = feedback_markdown(_result(SHRUNK), "en")
    assert "- ✗ Smallest failing case: corr2d(X, K)\n\n  ```text\n  X = shape (2, 3)\n" in md
    assert "\n  [[1. 1. 0.]\n   [0. 2. 3.]]\n" in md


def test_a_code_block_cannot_be_closed_by_the_text_it_holds() -> None:
    md = feedback_markdown(_result("first\n```\n# not a heading\n````"), "en")
    assert "  `````text\n" in md and "\n  `````\n" in md


def test_formulas_in_messages_are_mathml_and_student_text_stays_text() -> None:
    page = feedback_html(
        _result(
            r"$k - 1$ is the total padding", r"you wrote $\text{<img src=x onerror=alert(1)>}$"
        ),
        "en",
    )
    assert "<math" in page and "$k - 1$" not in page
    assert "<img" not in page and "&lt;img" in page
    assert "<script" not in page and "default-src 'none'" in page
