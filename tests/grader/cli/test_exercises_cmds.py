"""``cnngrade generate`` and ``cnngrade list``: folders, languages, formats, and no key in a student folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cnngrade.grader.cli.exercises_cmds  # noqa: F401  (registers the commands)
from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.exercises.render import answer_text
from cnngrade.grader.cli.app import app
from cnngrade.grader.cli.exercises_cmds import bank_rows

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = """\
id: hw1
title: Sizes
exercises:
  - {id: conv_output_shape, count: 2, difficulty: 2}
  - {id: inception_params, difficulty: 2}
  - {id: find_padding}
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    manifest = tmp_path / "hw1.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,lang\ns001,张三,\ns002,Bob,en\n", encoding="utf-8")
    return manifest, roster


def _generate(files: tuple[Path, Path], out: Path, *extra: str) -> None:
    manifest, roster = files
    result = CliRunner().invoke(
        app, ["generate", str(manifest), "--roster", str(roster), "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output


def test_one_folder_per_student_plus_instructor(files, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(files, out)
    assert sorted(p.name for p in out.iterdir()) == ["_instructor", "s001", "s002"]
    assert sorted(p.name for p in (out / "s001").iterdir()) == ["problems.md"]
    assert sorted(p.name for p in (out / "_instructor").iterdir()) == [
        "key.json",
        "s001.md",
        "s002.md",
    ]
    assert "学生" in (out / "s001" / "problems.md").read_text(
        encoding="utf-8"
    )  # manifest default zh
    assert "Student" in (out / "s002" / "problems.md").read_text(encoding="utf-8")  # roster says en


def test_no_key_material_in_student_folders(files, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for fmt in ("md", "json", "html"):
        _generate(files, out / fmt, "--format", fmt)
    assignment = load_manifest(files[0])
    for fmt in ("md", "json", "html"):
        for student in ("s001", "s002"):
            text = "\n".join(p.read_text(encoding="utf-8") for p in (out / fmt / student).iterdir())
            key = (out / fmt / "_instructor" / f"{student}.{fmt}").read_text(encoding="utf-8")
            for problem in personal_problems(assignment, student):
                last = problem.solution.strip().split("\n\n")[-1]
                assert problem.solution.strip().split("\n\n")[0] not in text  # no worked solution
                assert "**Answer:**" not in text and "**答案：**" not in text
                assert answer_text(problem.answer, problem.spec) in key
                assert last.split("**")[-1].strip() in key or fmt != "md"
            assert '"answer"' not in text and '"params"' not in text and '"solution"' not in text


def test_json_key_holds_every_problem(files, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(files, out, "--format", "json", "--lang", "en")
    key = json.loads((out / "_instructor" / "key.json").read_text(encoding="utf-8"))
    assert sorted(key["students"]) == ["s001", "s002"]
    expected = personal_problems(load_manifest(files[0]), "s001", lang="en")
    assert [p["answer"] for p in key["students"]["s001"]] == [p.answer for p in expected]
    student = json.loads((out / "s001" / "problems.json").read_text(encoding="utf-8"))
    assert student["lang"] == "en" and [p["slot"] for p in student["problems"]] == [
        p.slot for p in expected
    ]


def test_html_has_its_formulas_as_mathml_and_loads_nothing(files, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(files, out, "--format", "html")
    page = (out / "s002" / "problems.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<math" in page and "<em>" in page
    assert "$(N, C, H, W)" not in page and "<script" not in page


def test_bad_input_is_a_one_line_error_with_status_2(files, tmp_path: Path) -> None:
    manifest, roster = files
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: hw\nexercises:\n  - {id: conv_outptu_shape}\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cnngrade.grader.cli.main",
            "generate",
            str(bad),
            "--roster",
            str(roster),
            "--out",
            "o",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"cnngrade: error: {bad}:3: unknown exercise id")
    assert result.stderr.count("\n") == 1 and "conv_output_shape" in result.stderr


@pytest.mark.parametrize(("flag", "value"), [("--format", "pdf"), ("--lang", "fr")])
def test_bad_flags_raise_value_errors(files, tmp_path: Path, flag: str, value: str) -> None:
    manifest, roster = files
    args = [
        "generate",
        str(manifest),
        "--roster",
        str(roster),
        "--out",
        str(tmp_path / "o"),
        flag,
        value,
    ]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, ValueError) and value in str(result.exception)


def test_list_shows_every_exercise() -> None:
    result = CliRunner().invoke(app, ["list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    rows = bank_rows()
    assert {r[0] for r in rows} >= {
        "conv_output_shape",
        "inception_params",
        "receptive_field_dilated",
    }
    for exercise_id, _topic, kind, langs in rows:
        assert exercise_id in result.output and kind in result.output
        assert langs == "zh, en"


def test_code_exercise_is_rendered_as_a_task(tmp_path: Path) -> None:
    from cnngrade.exercises import code

    code_id = code.names()[0]
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        f"id: hw\nlanguage: en\nexercises:\n  - {{id: find_stride}}\n  - {{id: {code_id}}}\n"
    )
    roster = tmp_path / "r.csv"
    roster.write_text("id\ns1\n")
    _generate((manifest, roster), tmp_path / "out")
    page = (tmp_path / "out" / "s1" / "problems.md").read_text(encoding="utf-8")
    assert "Programming task" in page and code.get(code_id).statement("en")[:40] in page
    assert f"[{code_id}.1]" in page


def test_language_precedence_roster_then_flag_then_manifest(files, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(files, out, "--lang", "en")  # s001 has no roster language, s002 says en
    assert "Student" in (out / "s001" / "problems.md").read_text(encoding="utf-8")
    manifest, _ = files
    roster = tmp_path / "zh.csv"
    roster.write_text("id,lang\ns003,zh\n", encoding="utf-8")
    _generate((manifest, roster), tmp_path / "out2", "--lang", "en")
    assert "学生" in (tmp_path / "out2" / "s003" / "problems.md").read_text(encoding="utf-8")
