"""Attacks through the file system: links, FIFOs, huge files, floods of files, names that fake text.

A student folder that is a symbolic link to another student's folder must not be graded as that
student; a linked code or answers file is a finding ("... is a symbolic link"), never silently "not
handed in" and never followed; nothing blocks (a FIFO), nothing is read unbounded, and odd names are
findings. One class run mixes these attackers with a victim: the victim keeps full marks, every
attacker's result says what is wrong, the run exits 0.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.grader.cli.main import app
from cnngrade.grader.submissions import MAX_ENTRIES, fingerprint
from security_harness import CORRECT_CORR2D as CORRECT

MANIFEST = """id: sec-links
language: en
exercises:
  - {id: find_stride, points: 1}
  - {id: corr2d, points: 3}
"""


def _answers(manifest: Path, student: str) -> str:
    problems = personal_problems(load_manifest(manifest), student)
    return json.dumps({p.slot: str(p.answer) for p in problems})


def _real(subs: Path, student: str, manifest: Path, code: bool = True) -> Path:
    folder = subs / student
    folder.mkdir(parents=True)
    (folder / "answers.json").write_text(_answers(manifest, student), encoding="utf-8")
    if code:
        (folder / "corr2d.py").write_text(CORRECT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    manifest = root / "hw.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    subs = root / "subs"
    victim = _real(subs, "s01", manifest)
    (subs / "s02").symlink_to(victim, target_is_directory=True)  # "I am s01 too"
    (subs / "s03").symlink_to("/etc")  # a folder outside the class
    (subs / "s04").symlink_to(subs / "nowhere")  # dangling
    s05 = _real(subs, "s05", manifest, code=False)
    (s05 / "corr2d.py").symlink_to(victim / "corr2d.py")  # a linked code file
    s06 = subs / "s06"
    s06.mkdir()
    (s06 / "answers.yaml").symlink_to(victim / "answers.json")  # a linked answers file
    (s06 / "corr2d.py").mkdir()  # a folder where the code file should be
    s07 = _real(subs, "s07", manifest, code=False)
    (s07 / "nested").mkdir()
    (s07 / "nested" / "peek").symlink_to(victim)
    (s07 / "nested" / "etc").symlink_to("/etc")
    (s07 / "corr2d.ipynb").write_bytes(b"{" + b" " * 21_000_000 + b"}")  # over the notebook limit
    s08 = subs / "s08"
    s08.mkdir()
    os.mkfifo(s08 / "answers.yaml")  # a plain open() would block the grader forever
    os.mkfifo(s08 / "corr2d.py")
    s09 = subs / "s09"
    s09.mkdir()
    (s09 / "answers.yaml").write_text("find_stride.1: " + "1" * 2_000_000 + "\n")
    s10 = _real(subs, "s10", manifest, code=False)
    flood = s10 / "flood"
    flood.mkdir()
    for i in range(MAX_ENTRIES + 50):
        (flood / f"f{i}").touch()
    s11 = _real(subs, "s11", manifest, code=False)
    (s11 / "notes\x1b[2J.txt").write_text("x")
    (s11 / "line\nbreak").write_text("x")
    _real(subs, "s12\n\x1b]0;x\x07", manifest, code=False)  # a folder name that fakes text
    out = root / "out"
    result = CliRunner().invoke(
        app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(out)]
    )
    return root, subs, out, result


def _result(out: Path, student: str) -> dict:
    from cnngrade.grader.store import file_stem

    return json.loads((out / "results" / f"{file_stem(student)}.json").read_text(encoding="utf-8"))


def _says(doc: dict, *words: str) -> bool:
    texts = list(doc["errors"]) + [f["message"] for v in doc["verdicts"] for f in v["findings"]]
    return any(all(w in t for w in words) for t in texts)


def _slot(doc: dict, slot: str) -> dict:
    return next(v for v in doc["verdicts"] if v["slot"] == slot)


def test_the_run_succeeds_and_the_victim_keeps_full_marks(klass):
    _, _, out, result = klass
    assert result.exit_code == 0, result.output
    victim = _result(out, "s01")
    assert victim["score"] == victim["max_score"] == 4.0


@pytest.mark.parametrize("student", ["s02", "s03", "s04"])
def test_a_linked_student_folder_is_a_finding_never_its_target(klass, student):
    _, _, out, _ = klass
    doc = _result(out, student)
    assert doc["score"] == 0.0
    assert _says(doc, "the folder is a symbolic link", "hand in a real folder")
    code = _slot(doc, "corr2d.1")["findings"][0]
    assert code["kind"] == "error" and "symbolic link" in code["message"]


def test_a_linked_code_file_is_refused_not_missing(klass):
    doc = _result(klass[2], "s05")
    code = _slot(doc, "corr2d.1")
    assert code["score"] == 0 and code["findings"][0]["kind"] == "error"
    assert "'corr2d.py' is a symbolic link" in code["findings"][0]["message"]
    assert _slot(doc, "find_stride.1")["score"] == 1.0  # the rest of the work still counts


def test_a_linked_answers_file_and_a_folder_for_code(klass):
    doc = _result(klass[2], "s06")
    assert doc["score"] == 0.0 and _says(doc, "'answers.yaml' is a symbolic link")
    assert _says(doc, "'corr2d.py' is not a regular file")


def test_nested_links_are_reported_and_not_followed_and_a_huge_notebook_is_refused(klass):
    doc = _result(klass[2], "s07")
    assert _says(doc, "2 symbolic link(s)", "not followed")
    assert _says(doc, "'corr2d.ipynb' is 21,000,002 bytes; the limit is 20,000,000")
    assert _slot(doc, "find_stride.1")["score"] == 1.0


def test_fifos_do_not_block_and_are_findings(klass):
    doc = _result(klass[2], "s08")
    assert _says(doc, "'answers.yaml' is not a regular file")
    assert _says(doc, "'corr2d.py' is not a regular file")


def test_a_huge_answers_file_is_refused(klass):
    doc = _result(klass[2], "s09")
    assert doc["score"] == 0.0 and _says(doc, "answers.yaml", "the limit is 1,000,000")


def test_a_flood_of_files_is_a_finding(klass):
    doc = _result(klass[2], "s10")
    assert _says(doc, f"more than {MAX_ENTRIES:,} files and folders")
    assert _slot(doc, "find_stride.1")["score"] == 1.0


def test_names_with_control_characters_are_findings(klass):
    _, _, out, result = klass
    doc = _result(out, "s11")
    assert _says(doc, "2 name(s) with control or invisible characters", "notes\\x1b[2J.txt")
    odd = "s12\\n\\x1b]0;x\\x07"  # graded under the printable form of its name, and told to rename
    doc = _result(out, odd)
    assert _says(doc, "control or invisible characters", "rename it")
    assert _slot(doc, "find_stride.1")["score"] == 1.0
    ids = [
        row["student_id"] for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))
    ]
    assert odd in ids and "\x1b" not in result.output


def test_a_linked_folder_never_reads_its_target(klass):
    root, subs, _, _ = klass
    before = fingerprint("m", subs / "s02")
    (subs / "s01" / "extra.txt").write_text("changed")
    try:
        assert fingerprint("m", subs / "s02") == before  # the target's files are not read
    finally:
        (subs / "s01" / "extra.txt").unlink()


def test_a_roster_student_whose_folder_is_a_link(tmp_path):
    manifest = tmp_path / "hw.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    subs = tmp_path / "subs"
    victim = _real(subs, "s01", manifest)
    (subs / "s02").symlink_to(victim, target_is_directory=True)
    roster = tmp_path / "roster.csv"
    roster.write_text("id\ns01\ns02\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "grade",
            str(subs),
            "--assignment",
            str(manifest),
            "--out",
            str(out),
            "--roster",
            str(roster),
        ],
    )
    assert result.exit_code == 0, result.output
    assert _result(out, "s01")["score"] == 4.0
    doc = _result(out, "s02")
    assert doc["score"] == 0.0 and _says(doc, "the folder is a symbolic link")
