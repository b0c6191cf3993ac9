"""The answer cell's comment: the scaled score, every finding, hostile text made inert."""

from __future__ import annotations

from markdown_it import MarkdownIt

from cnngrade.grader.nbgrader.feedback import fault_comment, verdict_comment
from cnngrade.grader.types import Finding, Verdict


def test_comment_scales_the_score_and_lists_each_finding():
    v = Verdict("conv2d.1", "conv2d", 6.0, 8.0, (
        Finding("case_passed", "case 1 [basic] x (1, 1, 5, 5): passed"),
        Finding("case_failed", "case 2 [bias]: output differs"),
        Finding("misconception", "Hint: add bias[c] to output channel c.", note="missing_bias"),
        Finding("case_failed", "Smallest failing case:\nx = [[1.]]", note="shrunk_case"),
    ))  # fmt: skip
    text = verdict_comment(v, 4, "en")
    assert text.startswith("**cnngrade: 3 / 4 points**")
    html = MarkdownIt("commonmark").render(text)
    assert "✓ case 1 [basic] x (1, 1, 5, 5): passed" in html and "✗ case 2 [bias]" in html
    assert "Hint: add bias[c] to output channel c." in html
    assert "```text\nSmallest failing case:\nx = [[1.]]\n```" in text
    assert verdict_comment(v, 4, "zh").startswith("**cnngrade：3 / 4 分**")


def test_student_text_cannot_become_html_links_or_images():
    hostile = "<script>alert(1)</script> ![x](http://evil.example/a.png) [click](http://evil.example) \x1b[2J"
    v = Verdict("s.1", "s", 0.0, 1.0, (Finding("wrong", hostile),))
    html = MarkdownIt("commonmark").render(verdict_comment(v, 1, "en"))
    assert "<script" not in html and "<img" not in html and "<a " not in html and "\x1b" not in html
    fault = MarkdownIt("commonmark").render(fault_comment(hostile, "en"))
    assert "<script" not in fault and "<a " not in fault


def test_a_file_that_does_not_load_is_said_once():
    case = {"group": "basic", "params": {}, "status": "not_run"}
    v = Verdict("conv2d.1", "conv2d", 0.0, 8.0, (
        Finding("error", "your file could not be loaded: raised NotImplementedError", note="load_error"),
        *[Finding("case_failed", "case: your file could not be loaded", detail=case) for _ in range(13)],
        Finding("isolation", "isolation level 4 (full)", note="full"),
    ))  # fmt: skip
    text = verdict_comment(v, 4, "en")
    assert text.count("could not be loaded") == 1 and "13 test cases could not run." in text
