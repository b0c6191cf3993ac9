"""The CLI shells: grade (serial and --jobs), check-answer (never reveals the key), demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import grader.cli.main  # noqa: F401  (registers every command)
from exercises.assignment import load_manifest, personal_problems
from grader.cli.app import app
from grader.cli.grade_cmds import examples_dir
from grader.gradebook import read_gradebook

from ..classdata import write_answers, write_manifest

ROOT = Path(__file__).resolve().parents[3]

MANIFEST = examples_dir() / "assignment.yaml"
runner = CliRunner()


def _problem(student, exercise_id, lang="en"):
    return next(p for p in personal_problems(load_manifest(MANIFEST), student, lang=lang) if p.exercise_id == exercise_id)


def _check(*args):
    return runner.invoke(app, ["check-answer", "--assignment", str(MANIFEST), *args])


def test_check_answer_correct():
    p = _problem("s01", "corr2d_single")
    out = _check("--student", "s01", "--exercise", p.slot, "--answer", str(p.answer), "--lang", "en")
    assert out.exit_code == 0 and "[correct] Correct." in out.output and "score: 2 / 2" in out.output


def test_check_answer_names_a_misconception_and_never_shows_the_key():
    p = _problem("s02", "corr2d_single")
    wrong = p.misconception_answers["kernel_flipped"]
    out = _check("--student", "s02", "--exercise", p.slot, "--answer", str(wrong), "--lang", "en")
    assert out.exit_code == 0 and "[misconception]" in out.output
    for row in p.answer:  # no row of the key, in any spelling
        assert str(row) not in out.output and " ".join(map(str, row)) not in out.output
    assert p.solution[:40] not in out.output


def test_check_answer_format_problem_costs_no_attempt():
    out = _check("--student", "s02", "--exercise", "same_padding.1", "--answer", "two", "--lang", "zh")
    assert out.exit_code == 0 and "[format]" in out.output and "整数" in out.output
    assert "does not count as an attempt" in out.output


def test_check_answer_unknown_slot_is_a_one_line_error():
    done = subprocess.run([sys.executable, "-m", "grader.cli.main", "check-answer", "--assignment", str(MANIFEST),
                           "--student", "s01", "--exercise", "nope.1", "--answer", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "nope.1" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def _small_class(tmp_path):
    manifest = write_manifest(tmp_path)
    subs = tmp_path / "subs"
    for i, sid in enumerate(["a1", "a2", "a3", "a4"]):
        problems = personal_problems(load_manifest(manifest), sid)
        write_answers(subs, sid, {p.slot: str(p.answer) for p in problems[: i + 1]})
    return manifest, subs


def test_grade_serial_and_parallel_agree(tmp_path):
    manifest, subs = _small_class(tmp_path)
    serial = runner.invoke(app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "o1")])
    assert serial.exit_code == 0, serial.output
    assert "graded 4 of 4" in serial.output and "gradebook.csv" in serial.output
    parallel = runner.invoke(app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "o2"),
                                   "--jobs", "2", "--show-solutions"])
    assert parallel.exit_code == 0, parallel.output
    a, b = read_gradebook(tmp_path / "o1" / "gradebook.csv"), read_gradebook(tmp_path / "o2" / "gradebook.csv")
    assert a.equals(b) and list(a["total"]) == [2.0, 3.0, 5.0, 6.0]
    again = runner.invoke(app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "o1")])
    assert "graded 0 of 4" in again.output
    forced = runner.invoke(app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "o1"),
                                 "--force"])
    assert "graded 4 of 4" in forced.output


def test_grade_rejects_a_missing_folder(tmp_path):
    out = runner.invoke(app, ["grade", str(tmp_path / "nope"), "--assignment", str(MANIFEST), "--out", str(tmp_path)])
    assert isinstance(out.exception, ValueError) and "SUBMISSIONS_DIR" in str(out.exception)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_demo_writes_everything_and_says_where(demo_out):
    out, output = demo_out
    for name in ("gradebook.csv", "item_analysis.csv", "problems/s01/problems.md", "feedback/s01.md",
                 "feedback/s02.html", "results/s07.json"):
        assert (out / name).exists(), name
        assert name.split("/")[0] in output
    assert not list((out / "problems" / "s01").glob("*key*"))


def test_demo_class_matches_its_description(demo_out):
    out, _ = demo_out
    book = read_gradebook(out / "gradebook.csv").set_index("student_id")
    answer_slots = [c for c in book.columns if c not in ("total", "max", "errors", "corr2d.1")]
    maxima = {p.slot: p.points for p in personal_problems(load_manifest(MANIFEST), "s01")}
    assert all(book.loc["s01", s] == maxima[s] for s in answer_slots), "s01 answers all right (examples out of date?)"
    assert all(book.loc[s, answer_slots].sum() == 0 for s in ("s05", "s06", "s07"))
    assert book.loc["s02", answer_slots].sum() < sum(maxima.values())
    s02 = json.loads((out / "results" / "s02.json").read_text(encoding="utf-8"))
    assert sum(f["kind"] == "misconception" for v in s02["verdicts"] for f in v["findings"]) >= 4
    s06 = json.loads((out / "results" / "s06.json").read_text(encoding="utf-8"))
    assert "not UTF-8" in s06["errors"][0]
    assert "正确。" in (out / "feedback" / "s01.md").read_text(encoding="utf-8")  # s01 reads Chinese
