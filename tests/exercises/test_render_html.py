"""Offline HTML: LaTeX becomes MathML when the page is written; nothing a page holds can load or run."""

from __future__ import annotations

import re

import pytest

from cnngrade.exercises import registry
from cnngrade.exercises.formatting import bmatrix
from cnngrade.exercises.instantiate import instantiate
from cnngrade.exercises.render import answer_key, problem_set
from cnngrade.exercises.render_html import (
    MATH,
    markdown_to_html,
    tex_to_mathml,
    text_to_html,
)


def test_matrices_keep_their_rows_and_columns() -> None:
    math = tex_to_mathml(bmatrix([[1, 1, 0], [0, -2, 3], [4, 5, 6]]), display=True)
    assert math.startswith('<math display="block">')
    rows = re.findall(r"<mtr>(.*?)</mtr>", math)
    assert len(rows) == 3 and all(r.count("<mtd>") == 3 for r in rows)
    assert "<mo>[</mo>" in math and "<mo>]</mo>" in math and "bmatrix" not in math


@pytest.mark.parametrize(
    ("tex", "needle"),
    [
        (r"\frac{n + 2p - k}{s}", "<mfrac>"),
        (r"x_{i,j}", "<msub><mi>x</mi><mrow><mi>i</mi>"),
        (r"3 \times 4", "<mo>×</mo>"),
        (r"\left\lfloor \frac{n}{s} \right\rfloor + 1", "⌊"),
        (r"\lfloor x \rfloor", "⌋"),
        (r"k - 1", "<mo>−</mo>"),
    ],
)
def test_the_constructs_the_bank_uses_convert(tex: str, needle: str) -> None:
    math = tex_to_mathml(tex)
    assert math.startswith("<math") and needle in math and "\\" not in math


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<img src=x onerror=alert(1)>}",
        r"\text{<b>bold</b>}",
        r"\href{javascript:alert(1)}{x}",
        r"\style{background:url(http://evil.example/x)}{x}",
        "a & b",
    ],
)
def test_unsafe_or_broken_formulas_are_shown_as_escaped_source(tex: str) -> None:
    shown = tex_to_mathml(tex)
    assert shown.startswith('<code class="tex">') and shown.endswith("</code>")
    assert "<img" not in shown and "<b>" not in shown and "href=" not in shown
    assert "style=" not in shown


def test_text_is_escaped_around_its_formulas() -> None:
    shown = text_to_html("<script>x</script> $k - 1$ is the total & more")
    assert shown.startswith("&lt;script&gt;x&lt;/script&gt; <math")
    assert "&amp; more" in shown and "$" not in shown


def test_a_page_loads_nothing_and_runs_nothing() -> None:
    page = markdown_to_html(
        "a *b* $x_1 * y_2 < z$ <script>alert(1)</script> ![i](http://x/y.png)",
        title="<t>",
        lang="en",
    )
    assert "<em>b</em>" in page and "<title>&lt;t&gt;</title>" in page
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page  # raw HTML in Markdown stays text
    assert "default-src 'none'" in page  # the browser refuses any load the page might still name
    assert "<msub><mi>x</mi><mn>1</mn></msub>" in page and "$" not in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_exercise_renders_each_formula_as_mathml(lang: str) -> None:
    problems = [
        instantiate(e, 3, difficulty=max(e.difficulties), lang=lang)
        for e in registry.all_exercises()
    ]
    for p in problems:
        formulas = MATH.findall(p.prompt + "\n\n" + p.solution)
        page = markdown_to_html(p.prompt + "\n\n" + p.solution, title="t", lang=lang)
        assert page.count("<math") == len(formulas), p.exercise_id
        assert 'class="tex"' not in page and "$" not in page, p.exercise_id
        assert not re.search(r">\\[A-Za-z]", page), (p.exercise_id, "an unknown LaTeX command")
        matrices = re.findall(r"\\begin\{bmatrix\}(.*?)\\end", p.prompt + p.solution)
        rows = sum(tex.count(r"\\") + 1 for tex in matrices)
        assert page.count("<mtr>") == rows, (p.exercise_id, "a matrix lost its rows")


def test_student_and_instructor_pages_are_offline() -> None:
    problems = [instantiate(registry.get("corr2d_single"), 5, lang="en")]
    for page in (
        problem_set(problems, "html", title="HW", student_id="s1", lang="en"),
        answer_key(problems, "html", title="HW", student_id="s1", lang="en"),
    ):
        assert "<mtable>" in page and "<script" not in page and "cdn" not in page.lower()
