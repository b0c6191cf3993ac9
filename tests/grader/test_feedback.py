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


def test_markdown_makes_student_text_inert_and_keeps_it_readable():
    import html
    import re

    from markdown_it import MarkdownIt

    hostile = (
        "\x1b]0;pwned\x07 ![p](http://evil.example/p.png) [x](https://evil.example) "
        '<img src="http://evil.example/i.png"> <https://evil.example> # not a heading'
    )
    block = "row 1\n![p](http://evil.example/q.png)\n  <script>x</script>"
    findings = (
        Finding("wrong", hostile + "\n" + block),
        Finding("wrong", "line 3: uses torch.nn.conv2d"),
    )
    result = StudentResult(
        "s1\x1b[2J[white]", (Verdict("a.1", "a", 0.0, 1.0, findings),), (hostile,)
    )
    md = feedback_markdown(result, "en")
    assert "\x1b" not in md
    assert not re.search(r"<img|<script|<https?:|\]\(https?:|https?://", md)
    rendered = MarkdownIt("commonmark", {"html": True}).render(md)
    assert "\\x1b]0;pwned\\x07" in html.unescape(rendered)  # shown, not run
    assert "<a " not in rendered and "<img" not in rendered and "<script" not in rendered
    assert "line 3: uses torch.nn.conv2d" in md  # ordinary text stays as it was written


def test_html_shows_control_characters_escaped():
    result = StudentResult(
        "s1\x1b",
        (Verdict("a.1", "a", 0.0, 1.0, (Finding("wrong", "a\x1b[2J\nb\x9b"),)),),
        ("e\x07",),
    )
    page = feedback_html(result, "en")
    assert not any(c in page for c in "\x1b\x9b\x07") and "\\x1b[2J" in page
