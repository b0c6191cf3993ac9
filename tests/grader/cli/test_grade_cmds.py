"""The CLI shells: grade (serial and --jobs), check-answer (never reveals the key), demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cnngrade.grader.cli.main  # noqa: F401  (registers every command)
from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.grader.cli.app import app
from cnngrade.grader.cli.grade_cmds import examples_dir
from cnngrade.grader.gradebook import read_gradebook

from ..classdata import write_answers, write_manifest

ROOT = Path(__file__).resolve().parents[3]

MANIFEST = examples_dir() / "assignment.yaml"
runner = CliRunner()


def _problem(student, exercise_id, lang="en"):
    return next(
        p
        for p in personal_problems(load_manifest(MANIFEST), student, lang=lang)
        if p.exercise_id == exercise_id
    )


def _check(*args):
    return runner.invoke(app, ["check-answer", "--assignment", str(MANIFEST), *args])


def test_check_answer_correct():
    p = _problem("s01", "corr2d_single")
    out = _check(
        "--student", "s01", "--exercise", p.slot, "--answer", str(p.answer), "--lang", "en"
    )
    assert (
        out.exit_code == 0 and "[correct] Correct." in out.output and "score: 2 / 2" in out.output
    )


def test_check_answer_names_a_misconception_and_never_shows_the_key():
    p = _problem("s02", "corr2d_single")
    wrong = p.misconception_answers["kernel_flipped"]
    out = _check("--student", "s02", "--exercise", p.slot, "--answer", str(wrong), "--lang", "en")
    assert out.exit_code == 0 and "[misconception]" in out.output
    for row in p.answer:  # no row of the key, in any spelling
        assert str(row) not in out.output and " ".join(map(str, row)) not in out.output
    assert p.solution[:40] not in out.output


def test_check_answer_format_problem_costs_no_attempt():
    out = _check(
        "--student", "s02", "--exercise", "same_padding.1", "--answer", "two", "--lang", "zh"
    )
    assert out.exit_code == 0 and "[格式]" in out.output and "整数" in out.output
    assert "不计入作答次数" in out.output and "得分：0 / 1" in out.output
    out = _check(
        "--student", "s02", "--exercise", "same_padding.1", "--answer", "two", "--lang", "en"
    )
    assert out.exit_code == 0 and "[format]" in out.output
    assert "does not count as an attempt" in out.output and "score: 0 / 1" in out.output


def _is_english(output: str) -> bool:
    return not any("\u4e00" <= ch <= "\u9fff" for ch in output)


def test_check_answer_answers_each_student_in_the_rosters_language():
    """examples/roster.csv beside the manifest: s01 reads Chinese, s02 English; no --lang."""
    zh = _check("--student", "s01", "--exercise", "same_padding.1", "--answer", "two")
    assert zh.exit_code == 0
    lines = zh.output.strip().splitlines()
    assert (
        lines[0].startswith("[格式] ")
        and lines[1].startswith("得分：")
        and lines[2].startswith("（")
    )
    assert "score" not in zh.output and "format" not in zh.output
    en = _check("--student", "s02", "--exercise", "same_padding.1", "--answer", "two")
    assert en.exit_code == 0 and _is_english(en.output) and "[format]" in en.output


def test_check_answer_language_from_a_given_roster_else_the_manifest(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,lang\ns01,Li Lei,en\ns09,Nine,\n", encoding="utf-8")
    out = _check("--student", "s01", "--exercise", "same_padding.1", "--answer", "two",
                 "--roster", str(roster))  # fmt: skip
    assert out.exit_code == 0 and _is_english(out.output) and "score: 0 / 1" in out.output
    out = _check("--student", "s09", "--exercise", "same_padding.1", "--answer", "two",
                 "--roster", str(roster))  # fmt: skip
    assert out.exit_code == 0 and "得分" in out.output  # no lang in the roster: the manifest's zh
    out = _check("--student", "s01", "--exercise", "same_padding.1", "--answer", "two",
                 "--roster", str(roster), "--lang", "zh")  # fmt: skip
    assert "得分" in out.output  # --lang wins


def test_check_answer_correct_in_chinese_is_localized_on_every_line():
    p = _problem("s01", "corr2d_single", lang="zh")
    out = _check("--student", "s01", "--exercise", p.slot, "--answer", str(p.answer))
    assert out.exit_code == 0 and out.output.splitlines() == ["[正确] 正确。", "得分：2 / 2"]


def test_check_answer_unknown_slot_is_a_one_line_error():
    done = subprocess.run([sys.executable, "-m", "cnngrade.grader.cli.main", "check-answer", "--assignment", str(MANIFEST),
                           "--student", "s01", "--exercise", "nope.1", "--answer", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (
        done.returncode == 2
        and "nope.1" in done.stderr
        and len(done.stderr.strip().splitlines()) == 1
    )


def _small_class(tmp_path):
    manifest = write_manifest(tmp_path)
    subs = tmp_path / "subs"
    for i, sid in enumerate(["a1", "a2", "a3", "a4"]):
        problems = personal_problems(load_manifest(manifest), sid)
        write_answers(subs, sid, {p.slot: str(p.answer) for p in problems[: i + 1]})
    return manifest, subs


def test_grade_serial_and_parallel_agree(tmp_path):
    manifest, subs = _small_class(tmp_path)
    serial = runner.invoke(
        app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "o1")]
    )
    assert serial.exit_code == 0, serial.output
    assert "graded 4 of 4" in serial.output and "gradebook.csv" in serial.output
    parallel = runner.invoke(
        app,
        [
            "grade",
            str(subs),
            "--assignment",
            str(manifest),
            "--out",
            str(tmp_path / "o2"),
            "--jobs",
            "2",
            "--show-solutions",
        ],
    )
    assert parallel.exit_code == 0, parallel.output
    a, b = (
        read_gradebook(tmp_path / "o1" / "gradebook.csv"),
        read_gradebook(tmp_path / "o2" / "gradebook.csv"),
    )
    assert a.equals(b) and list(a["total"]) == [2.0, 3.0, 5.0, 6.0]
    again = runner.invoke(
        app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "o1")]
    )
    assert "graded 0 of 4" in again.output
    forced = runner.invoke(
        app,
        [
            "grade",
            str(subs),
            "--assignment",
            str(manifest),
            "--out",
            str(tmp_path / "o1"),
            "--force",
        ],
    )
    assert "graded 4 of 4" in forced.output


def test_grade_rejects_a_missing_folder(tmp_path):
    out = runner.invoke(
        app,
        ["grade", str(tmp_path / "nope"), "--assignment", str(MANIFEST), "--out", str(tmp_path)],
    )
    assert isinstance(out.exception, ValueError) and "SUBMISSIONS_DIR" in str(out.exception)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_demo_writes_everything_and_says_where(demo_out):
    out, output = demo_out
    for name in (
        "gradebook.csv",
        "item_analysis.csv",
        "problems/s01/problems.md",
        "feedback/s01.md",
        "feedback/s02.html",
        "results/s07.json",
    ):
        assert (out / name).exists(), name
        assert name.split("/")[0] in output
    assert not list((out / "problems" / "s01").glob("*key*"))


def test_demo_class_matches_its_description(demo_out):
    out, _ = demo_out
    book = read_gradebook(out / "gradebook.csv").set_index("student_id")
    answer_slots = [s.slot for s in load_manifest(MANIFEST).slots if s.kind == "answer"]
    maxima = {p.slot: p.points for p in personal_problems(load_manifest(MANIFEST), "s01")}
    assert all(book.loc["s01", s] == maxima[s] for s in answer_slots), (
        "s01 answers all right (examples out of date?)"
    )
    assert all(book.loc[s, answer_slots].sum() == 0 for s in ("s05", "s06", "s07"))
    assert book.loc["s02", answer_slots].sum() < sum(maxima.values())
    s02 = json.loads((out / "results" / "s02.json").read_text(encoding="utf-8"))
    assert sum(f["kind"] == "misconception" for v in s02["verdicts"] for f in v["findings"]) >= 4
    s06 = json.loads((out / "results" / "s06.json").read_text(encoding="utf-8"))
    assert "not UTF-8" in s06["errors"][0]
    assert "正确。" in (out / "feedback" / "s01.md").read_text(
        encoding="utf-8"
    )  # s01 reads Chinese


def _code_verdict(out, student, slot="conv2d.1"):
    doc = json.loads((out / "results" / f"{student}.json").read_text(encoding="utf-8"))
    return next(v for v in doc["verdicts"] if v["slot"] == slot)


def test_demo_grades_the_code_submissions_into_the_same_gradebook(demo_out):
    out, output = demo_out
    book = read_gradebook(out / "gradebook.csv").set_index("student_id")
    points = {s.slot: s.points for s in load_manifest(MANIFEST).slots if s.kind == "code"}
    assert set(points) <= set(book.columns) and "conv2d.1" in points
    assert "conv2d.1" in output  # the per-slot summary names the code slot too
    assert book.loc["s01", "conv2d.1"] == points["conv2d.1"]  # correct .py: full marks
    assert book.loc["s06", "conv2d.1"] == points["conv2d.1"]  # correct notebook: full marks
    assert book.loc["s01", "total"] == book.loc["s01", "max"]


def test_demo_buggy_code_scores_partly_with_a_hint_line(demo_out):
    out, _ = demo_out
    verdict = _code_verdict(out, "s02")
    assert 0 <= verdict["score"] < verdict["max_score"]
    assert any(
        f["kind"] == "case_failed" and "differs" in f["message"] for f in verdict["findings"]
    )
    assert any(f.get("note") == "missing_bias" for f in verdict["findings"])
    assert "off by exactly the bias" in (out / "feedback" / "s02.md").read_text(encoding="utf-8")


def test_demo_forbidden_code_names_the_api_and_scores_zero(demo_out):
    out, _ = demo_out
    verdict = _code_verdict(out, "s03")
    assert verdict["score"] == 0
    assert any(f["kind"] == "forbidden" and "torch.nn.functional.conv2d" in f["message"]
               for f in verdict["findings"])  # fmt: skip
    assert "torch.nn.functional.conv2d" in (out / "feedback" / "s03.md").read_text(encoding="utf-8")


def test_demo_looping_code_times_out_within_the_manifest_budget(demo_out):
    out, _ = demo_out
    verdict = _code_verdict(out, "s04")
    timeouts = [f for f in verdict["findings"] if f["kind"] == "timeout"]
    assert verdict["score"] == 0 and timeouts
    seconds = next(s.seconds for s in load_manifest(MANIFEST).slots if s.slot == "conv2d.1")
    assert (
        seconds is not None
        and seconds <= 2
        and f"timed out after {seconds:g} s" in timeouts[0]["message"]
    )
    assert "timed out" in (out / "feedback" / "s04.md").read_text(encoding="utf-8")
