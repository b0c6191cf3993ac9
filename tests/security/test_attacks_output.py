"""Attacks on the people who read results: escapes, markup, formulas and links in what students control.

One class run mixes victims (right answers, right code) with attackers whose answers, folder names,
exception messages and printed output carry terminal escapes (window title, OSC 52 clipboard, clear
screen, a fake "score 8 / 8"), Rich markup, spreadsheet formulas, Markdown images/links and raw HTML.
Victims keep full marks, attackers fail with a clear message, the run exits 0, and no output (the
terminal, gradebook.csv, item_analysis.csv, feedback .md/.html, results .json) holds a raw escape, a
live formula, markup that renders, or a link to a remote host.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.grader.cli.main import app
from security_harness import CORRECT_CORR2D as CORRECT

MANIFEST = """id: sec-out
title: Output attacks
language: en
exercises:
  - {id: find_stride, points: 1}
  - {id: corr2d, points: 3}
"""
TITLE = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
CLEAR = "\x1b[2J\x1b[H"
FAKE_SCORE = "\x1b[1A\x1b[2K\rscore 8 / 8"
ESCAPES = TITLE + CLIPBOARD + CLEAR + FAKE_SCORE + "\x9b31m\x9d0;c1\x9c\u202etxt.exe\u200b"
MARKDOWN = '![pixel](http://evil.example/p.png) [click](https://evil.example) <https://evil.example> <img src="http://evil.example/x.png">'
FORMULA = '=HYPERLINK("http://evil.example","click")'
RICH = "[white on white]hidden[/white on white] [link=http://evil.example]x[/link]"
ATTACK_CODE = (
    "import sys\n"
    f"print({ESCAPES!r})\n"
    f"sys.stderr.write({ESCAPES!r})\n"
    "def corr2d(X, K):\n"
    f"    print({ESCAPES + MARKDOWN!r})\n"
    f"    raise ValueError({ESCAPES + ' ' + RICH + ' ' + MARKDOWN + ' ' + FORMULA!r})\n"
)
#: folder names an attacker can choose (no "/" in a name)
ATTACK_FOLDERS = {
    "rich": "[white on white]s03",
    "formula": '=HYPERLINK("evil.example","s04")',
    "at": "@SUM(1+1)",
    "minus": "-2+3",
    "plus": "+s07",
    "escape": "s05" + TITLE + CLEAR,
    "bidi": "s06\u202e\u200b",
    "image": "![p](evil.example)",
    "html": "<img src=x onerror=alert(1)>",
    "emoji": ":skull::white_check_mark:s09",
}
#: anything a terminal, a viewer or an editor would act on or hide
HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufeff\U000e0000-\U000e007f]"
)
CSV_TRIGGERS = tuple("=+-@\t\r")
MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def _answers_for(manifest: Path, student: str) -> dict[str, str]:
    problems = personal_problems(load_manifest(manifest), student)
    return {p.slot: str(p.answer) for p in problems}


def _write(folder: Path, answers: dict, code: str | None) -> None:
    folder.mkdir(parents=True)
    (folder / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    if code is not None:
        (folder / "corr2d.py").write_text(code, encoding="utf-8")


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    root = tmp_path_factory.mktemp("outclass")
    manifest = root / "course" / "hw.yaml"
    manifest.parent.mkdir()
    manifest.write_text(MANIFEST, encoding="utf-8")
    subs = root / "subs"
    for victim in ("s01", "s02"):
        _write(subs / victim, _answers_for(manifest, victim), CORRECT)
    hostile_answers = {
        "find_stride.1": ESCAPES + " " + MARKDOWN,
        ESCAPES + "unknown": FORMULA,
        RICH: "1",
    }
    _write(subs / "s08", hostile_answers, ATTACK_CODE)
    for key, name in ATTACK_FOLDERS.items():
        answers = {"find_stride.1": {"rich": RICH, "formula": FORMULA}.get(key, MARKDOWN)}
        _write(subs / name, answers, None)
    out = root / "out"
    result = CliRunner().invoke(
        app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(out)]
    )
    return out, result


def _texts(out: Path) -> dict[str, str]:
    files = [out / "gradebook.csv", out / "item_analysis.csv"]
    files += sorted((out / "feedback").iterdir()) + sorted((out / "results").iterdir())
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in files}


def test_the_run_succeeds_and_victims_keep_full_marks(klass):
    out, result = klass
    assert result.exit_code == 0, result.output
    rows = {
        r["student_id"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))
    }
    for victim in ("s01", "s02"):
        assert float(rows[victim]["total"]) == float(rows[victim]["max"]) == 4.0
    assert len(rows) == 3 + len(ATTACK_FOLDERS)
    attacker = json.loads((out / "results" / "s08.json").read_text(encoding="utf-8"))
    assert attacker["score"] == 0.0
    code = next(v for v in attacker["verdicts"] if v["slot"] == "corr2d.1")
    assert any("ValueError" in f["message"] for f in code["findings"])  # a clear failing message


def test_the_terminal_shows_no_escape_and_no_rendered_markup(klass):
    _, result = klass
    assert not HIDDEN.search(result.output), ascii(HIDDEN.search(result.output).group())
    assert "[white on white]s03" in result.output  # the folder name as written, not styled away
    assert ":skull::white_check_mark:s09" in result.output  # no emoji faking a verdict
    assert "s05\\x1b]0;pwned\\x07" in result.output  # the escape shown, not run


def test_no_output_file_holds_a_hidden_character(klass):
    out, _ = klass
    for name, text in _texts(out).items():
        found = HIDDEN.search(text)
        assert found is None, f"{name}: {ascii(found.group())}"


@pytest.mark.parametrize("name", ["gradebook.csv", "item_analysis.csv"])
def test_no_csv_cell_is_a_formula(klass, name):
    out, _ = klass
    rows = list(csv.reader(io.StringIO((out / name).read_text(encoding="utf-8"))))
    cells = [cell for row in rows for cell in row]
    assert len(rows) > 2
    live = [c for c in cells if c.lstrip(" ").startswith(CSV_TRIGGERS) and not _number(c)]
    assert not live, live
    ids = [row[0] for row in rows[1:]] if name == "gradebook.csv" else []
    assert name != "gradebook.csv" or f"'{ATTACK_FOLDERS['formula']}" in ids


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_feedback_markdown_renders_no_link_image_or_html(klass):
    out, _ = klass
    pages = sorted((out / "feedback").glob("*.md"))
    assert len(pages) == 3 + len(ATTACK_FOLDERS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        html = MD.render(text)
        assert "<a " not in html and "<img" not in html and "<script" not in html, page.name
        assert not re.search(r"<https?:|\]\(https?:|<img", text), page.name
        assert not re.search(r"https?://", text), page.name  # no bare URL for a linkifier


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_feedback_html_has_no_live_markup(klass):
    out, _ = klass
    pages = sorted((out / "feedback").glob("*.html"))
    assert len(pages) == 3 + len(ATTACK_FOLDERS)
    for page in pages:
        parser = _Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        names = {tag for tag, _ in parser.tags}
        assert not names & {"img", "script", "iframe", "a", "object", "embed", "link"}, page.name
        for tag, attrs in parser.tags:
            assert not any(k.startswith("on") for k in attrs), (page.name, tag, attrs)
            assert not any("evil" in (v or "") for v in attrs.values()), (page.name, tag, attrs)


def test_results_keep_the_data_and_read_back(klass):
    out, _ = klass
    doc = json.loads((out / "results" / "s08.json").read_text(encoding="utf-8"))
    messages = " ".join(f["message"] for v in doc["verdicts"] for f in v["findings"])
    assert "\x1b]0;pwned" in messages  # stored as it was, written escaped (checked above)


def test_check_prints_the_exception_escaped(tmp_path):
    path = tmp_path / "corr2d.py"
    path.write_text(ATTACK_CODE, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "corr2d", str(path)])
    assert result.exit_code == 0, result.output
    assert not HIDDEN.search(result.output), ascii(HIDDEN.search(result.output).group())
    assert "\\x1b]0;pwned\\x07" in result.output and "ValueError" in result.output
    as_json = CliRunner().invoke(app, ["check", "corr2d", str(path), "--json"])
    assert as_json.exit_code == 0 and not HIDDEN.search(as_json.output)
    doc = json.loads(as_json.output)
    assert any("\x1b]0;pwned" in c["message"] for c in doc["cases"])  # the data, escaped in JSON


def test_check_answer_echoes_nothing_raw(tmp_path):
    manifest = tmp_path / "hw.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    for answer in (ESCAPES, MARKDOWN, RICH, FORMULA, "(1, " + ESCAPES + ")"):
        result = CliRunner().invoke(
            app,
            ["check-answer", "--assignment", str(manifest), "--student", "s01",
             "--exercise", "find_stride.1", "--answer", answer],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert not HIDDEN.search(result.output), ascii(answer)


def test_a_bad_argument_error_is_escaped(tmp_path, capsys):
    from cnngrade.grader.cli.main import main

    name = tmp_path / ("x" + TITLE + ".py")
    import sys

    argv = sys.argv
    sys.argv = ["cnngrade", "check", "corr2d", str(name)]
    try:
        with pytest.raises(SystemExit) as stop:
            main()
    finally:
        sys.argv = argv
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "does not exist" in err and not HIDDEN.search(err)
