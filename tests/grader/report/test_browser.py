"""The pages in a real headless Chromium: the class report, a problem set and a feedback page render
with every figure and formula present, matrices keep their rows, no console error, no request.

Skipped when Chromium is absent, unless ``CNNGRADE_REQUIRE_BROWSER=1`` (CI sets it; ``.ci/run``
installs Chromium).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate
from cnngrade.exercises.render import answer_key, problem_set
from cnngrade.exercises.render_html import MATH
from cnngrade.grader.feedback import feedback_html
from cnngrade.grader.report import write_report
from cnngrade.grader.types import Finding, StudentResult, Verdict
from tests.grader.report.browser import Browser, PageVisit, find_chromium
from tests.grader.report.classes import HOSTILE, write_graded

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("CNNGRADE_REQUIRE_BROWSER") == "1":
    raise RuntimeError(
        "CNNGRADE_REQUIRE_BROWSER=1 but no chromium on PATH: apt-get install chromium"
    )
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

#: what the checks read from a loaded page
PROBE = """(() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });  // measure what they hold
  const box = e => e.getBoundingClientRect();
  const figures = [...document.querySelectorAll('figure')].map(f => {
    const svg = f.querySelector('svg');
    if (!svg) return null;
    const texts = [...svg.querySelectorAll('text')].filter(t => box(t).width > 0);
    return {width: box(svg).width, height: box(svg).height, texts: texts.length,
            shapes: svg.querySelectorAll('path, rect, use').length};
  });
  const maths = [...document.querySelectorAll('math')].map(m => ({
    display: getComputedStyle(m).display, width: box(m).width, height: box(m).height}));
  const matrices = [...document.querySelectorAll('mtable')].map(t =>
    [...t.children].filter(r => r.tagName.toLowerCase() === 'mtr').map(r => box(r).top));
  const fractions = [...document.querySelectorAll('mfrac')].map(f =>
    box(f.children[0]).bottom <= box(f.children[1]).top + 1);
  const pres = [...document.querySelectorAll('pre')].map(p => ({
    lines: p.innerText.trim().split('\\n').length, height: box(p).height,
    lineHeight: parseFloat(getComputedStyle(p).lineHeight) || 16}));
  return {figures, maths, matrices, fractions, pres, text: document.body.innerText,
          scripts: document.scripts.length, images: document.images.length};
})()"""


@pytest.fixture(scope="module")
def browser():
    with Browser(CHROMIUM) as b:
        yield b


def _load(browser: Browser, path: Path) -> tuple[PageVisit, dict]:
    visit = browser.open(path)
    assert visit.console == [] and visit.errors == [], (visit.console, visit.errors)
    assert visit.requests in ([], [visit.url]), visit.requests  # the page itself, nothing else
    page = browser.evaluate(PROBE)
    assert page["scripts"] == 0 and page["images"] == 0
    return visit, page


def _check_math(page: dict, expected: int) -> None:
    assert len(page["maths"]) == expected
    for math in page["maths"]:  # laid out as MathML (display "math" / "block math"), not as text
        assert "math" in math["display"] and math["width"] > 0 and math["height"] > 0, math
    for rows in page["matrices"]:  # each row of a matrix below the one before
        assert rows == sorted(rows) and len(set(rows)) == len(rows), rows
    assert all(page["fractions"])  # numerator above denominator
    for raw in ("$", "\\begin", "\\frac", "\\times"):  # no LaTeX source left as text
        assert raw not in page["text"], page["text"][page["text"].index(raw) - 200 :][:300]


def test_report_renders_every_figure(browser: Browser, tmp_path: Path) -> None:
    report = write_report(write_graded(tmp_path / "class"))
    _, page = _load(browser, report)
    assert len(page["figures"]) == 5
    for figure in page["figures"]:
        assert figure is not None and figure["width"] > 200 and figure["height"] > 50, figure
        assert figure["texts"] >= 3 and figure["shapes"] >= 3, figure
    assert HOSTILE in page["text"]  # shown as text, not turned into an element
    assert "Students whose submissions had problems" in page["text"]


def test_chinese_report_renders(browser: Browser, tmp_path: Path) -> None:
    report = write_report(write_graded(tmp_path / "class"), lang="zh")
    _, page = _load(browser, report)
    assert len(page["figures"]) == 5 and "提交有问题的学生" in page["text"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_formula_of_the_bank_renders_offline(browser: Browser, tmp_path: Path, lang) -> None:
    problems = [
        instantiate(e, 11, difficulty=max(e.difficulties), lang=lang)
        for e in registry.all_exercises()
    ]
    for name, render in (("problems", problem_set), ("key", answer_key)):
        path = tmp_path / f"{name}.html"
        path.write_text(render(problems, "html", title="HW", student_id="s1", lang=lang), "utf-8")
        markdown = render(problems, "md", title="HW", student_id="s1", lang=lang)
        _, page = _load(browser, path)
        _check_math(page, len(MATH.findall(markdown)))
        assert len(page["matrices"]) >= 3  # corr2d_single's X and K, max_pool_hand's X, ...


def test_feedback_page_renders_formulas_and_a_shrunk_case_row_by_row(
    browser: Browser, tmp_path: Path
) -> None:
    shrunk = (
        "Smallest failing case: corr2d(X, K)\nX = shape (3, 3)\n[[1. 1. 0.]\n [0. 2. 3.]\n"
        " [4. 5. 6.]]\nK = shape (1, 1)\n[[2.]]\nexpected output = shape (3, 3)\n[[2. 2. 0.]\n"
        " [0. 4. 6.]\n [8. 10. 12.]]\noutput differs at 9 of 9 positions"
    )
    solution = (
        "$$X = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}$$\n\n$o = \\frac{n - k}{s} + 1$"
    )
    findings = (
        Finding("misconception", "$k - 1$ is the total padding.", "whole_kernel_minus_one",
                detail={"solution": solution}),
        Finding("case_failed", shrunk, "shrunk_case"),
    )  # fmt: skip
    result = StudentResult("s1", (Verdict("corr2d.1", "corr2d", 0.0, 3.0, findings),))
    path = tmp_path / "feedback.html"
    path.write_text(feedback_html(result, "en", title="HW"), encoding="utf-8")
    browser_page = _load(browser, path)[1]
    _check_math(browser_page, 3)
    (pre,) = browser_page["pres"]
    assert pre["lines"] == 11 and pre["height"] >= 10 * pre["lineHeight"]  # rows stay rows


def test_the_harness_sees_requests_console_errors_and_exceptions(
    browser: Browser, tmp_path: Path
) -> None:
    path = tmp_path / "bad.html"
    path.write_text(
        '<!DOCTYPE html><html><body><img src="http://cnngrade.invalid/x.png">'
        '<script>console.error("boom"); undefined_function();</script></body></html>',
        encoding="utf-8",
    )
    visit = browser.open(path)
    assert "http://cnngrade.invalid/x.png" in visit.requests
    assert any("boom" in line for line in visit.console) and visit.errors
