"""``cnngrade report OUT`` on a graded folder, and ``grade`` writing the same report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import cnngrade.grader.cli.main  # noqa: F401  (registers every command)
from cnngrade.grader.cli.app import app
from tests.grader.classdata import write_answers, write_manifest
from tests.grader.report.classes import write_graded

runner = CliRunner()


def test_report_command_writes_the_page(tmp_path: Path) -> None:
    out = write_graded(tmp_path / "out")
    result = runner.invoke(app, ["report", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert f"report:        {out / 'report.html'}" in result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and page.count("<svg") == 5


def test_bad_folder_or_language_is_a_one_line_error(tmp_path: Path) -> None:
    for args, why in (([str(tmp_path / "nowhere")], "no results/ folder"),
                      ([str(write_graded(tmp_path / "c")), "--lang", "fr"], "--lang must be en or zh")):  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "cnngrade", "report", *args],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 2 and why in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_grade_writes_the_report_and_class_json(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path)
    subs = tmp_path / "subs"
    write_answers(subs, "s1", {"conv_output_shape.1": "(1, 2, 3, 4)", "same_padding.1": "x"})
    write_answers(subs, "s2", {"find_stride.1": "2"})
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"class report:  {out / 'report.html'}" in result.output
    meta = json.loads((out / "class.json").read_text(encoding="utf-8"))
    assert meta["students"] == ["s1", "s2"] and meta["assignment"]["title"] == "Test homework"
    assert [s["slot"] for s in meta["slots"]][0] == "conv_output_shape.1"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Test homework — Class report" in page and "format: same_padding.1" in page
