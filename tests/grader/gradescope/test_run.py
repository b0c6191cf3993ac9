"""The bundle's real run_autograder on a temporary /autograder tree (grader/gradescope/run.py, results.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.grader.code import grade_code_file
from cnngrade.grader.course_key import load_course_key
from cnngrade.grader.gradescope.run import main, run_autograder
from cnngrade.grader.pipeline import code_case_seed

from .conftest import CORRECT_CORR2D, FLIPPED_CORR2D

TOP_LEVEL = {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"}
PER_TEST = {"name", "number", "score", "max_score", "status", "output", "visibility"}


def _tree(course, tmp_path: Path, email: str | None, files: dict[str, str], nest: str = "") -> Path:
    """An /autograder folder as Gradescope lays it out: source/ (the zip), submission/, metadata."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(course.bundle.path) as archive:
        archive.extractall(root / "source")
    hand_in = root / "submission" / nest
    hand_in.mkdir(parents=True)
    for name, text in files.items():
        (hand_in / name).write_text(text, encoding="utf-8")
    if email is not None:
        users = [{"email": email, "name": "A Student", "sid": "", "id": 42}]
        (root / "submission_metadata.json").write_text(json.dumps({"id": 1, "users": users}))
    return root


def _answers(course, student: str) -> str:
    problems = personal_problems(load_manifest(course.manifest), student)
    return "\n".join(f"{p.slot}: {json.dumps(str(p.answer))}" for p in problems) + "\n"


def _run_script(root: Path) -> subprocess.CompletedProcess:
    """The bundle's own run_autograder, with this environment's python standing in for the venv."""
    env = {**os.environ, "CNNGRADE_AUTOGRADER_ROOT": str(root), "CNNGRADE_PYTHON": sys.executable}
    return subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300, cwd=root)  # fmt: skip


def _results(root: Path) -> dict:
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def s1_graded(course, tmp_path_factory):
    """s1 (by their Gradescope email) hands in right answers and a right corr2d."""
    root = _tree(course, tmp_path_factory.mktemp("s1"), "ada@uni.edu",
                 {"answers.yaml": _answers(course, "s1"), "corr2d.py": CORRECT_CORR2D})  # fmt: skip
    done = _run_script(root)
    assert done.returncode == 0, done.stderr[-3000:]
    return root, _results(root), done


def test_results_json_has_every_gradescope_field(course, s1_graded):
    _, doc, done = s1_graded
    assert set(doc) >= TOP_LEVEL
    slots = load_manifest(course.manifest).slots
    assert doc["score"] == sum(s.points for s in slots) == 9
    assert isinstance(doc["execution_time"], float) and doc["execution_time"] > 0
    assert doc["visibility"] == "visible" and doc["stdout_visibility"] == "hidden"
    assert "s1" in doc["output"] and "9 / 9" in doc["output"]
    assert [t["number"] for t in doc["tests"]] == [str(i) for i in range(1, len(slots) + 1)]
    for test, slot in zip(doc["tests"], slots, strict=True):
        assert set(test) >= PER_TEST
        assert test["name"].startswith(slot.slot + " · ")
        assert test["score"] == test["max_score"] == slot.points and test["status"] == "passed"
        assert test["output"].strip() and test["visibility"] == "visible"
    assert "score 9" in done.stdout  # the instructor's log line


def test_code_cases_are_drawn_with_the_course_key_in_the_bundle(course, s1_graded):
    _, doc, _ = s1_graded
    key = load_course_key(course.manifest, create=False)
    assert doc["extra_data"]["course_key"] == key.fingerprint
    code_test = doc["tests"][-1]
    seed = code_case_seed(load_manifest(course.manifest), "s1", "corr2d.1", key)
    path = course.folder / "corr2d_s1.py"
    path.write_text(CORRECT_CORR2D, encoding="utf-8")
    expected = grade_code_file("corr2d.1", "corr2d", path, seed, "en")
    cases = [f.message for f in expected.findings if f.kind == "case_passed"]
    assert cases and all(case in code_test["output"] for case in cases)


def test_another_student_gets_another_variant(course, tmp_path, s1_graded):
    """s1's right answers handed in by s2 are wrong for s2: the variant is the submitter's own."""
    _, s1_doc, _ = s1_graded
    root = _tree(course, tmp_path, "BOB@uni.edu", {"answers.yaml": _answers(course, "s1")})
    doc = run_autograder(root)
    assert doc == _results(root)
    assert doc["extra_data"]["student_id"] == "s2"  # email matched case-insensitively
    assert doc["score"] < s1_doc["score"]
    failed = [t["name"].split(" · ")[0] for t in doc["tests"] if t["status"] == "failed"]
    s1_problems = {
        p.slot: p.answer for p in personal_problems(load_manifest(course.manifest), "s1")
    }
    s2_problems = {
        p.slot: p.answer for p in personal_problems(load_manifest(course.manifest), "s2")
    }
    differing = [slot for slot in s1_problems if s1_problems[slot] != s2_problems[slot]]
    assert differing and set(differing) <= set(failed)
    assert "corr2d.1" in failed  # no code file handed in
    assert "学生" in doc["output"]  # s2 reads Chinese (the roster's lang)


def test_a_zip_upload_with_one_folder_is_graded_from_inside_it(course, tmp_path):
    files = {"answers.yaml": _answers(course, "s1"), "corr2d.py": FLIPPED_CORR2D}
    doc = run_autograder(_tree(course, tmp_path, "ada@uni.edu", files, nest="hw1"))
    by_slot = {t["name"].split(" · ")[0]: t for t in doc["tests"]}
    assert all(t["status"] == "passed" for s, t in by_slot.items() if s != "corr2d.1")
    assert by_slot["corr2d.1"]["status"] == "failed" and by_slot["corr2d.1"]["score"] < 3
    assert (
        "flipped_kernel" in by_slot["corr2d.1"]["output"] or "flip" in by_slot["corr2d.1"]["output"]
    )


def test_a_student_not_on_the_roster_gets_a_reason_and_no_score(course, tmp_path):
    doc = run_autograder(
        _tree(course, tmp_path, "eve\x1b[2J@evil.example", {"answers.yaml": "x: 1"})
    )
    assert doc["score"] == 0 and doc["tests"] == []
    assert "not on the course roster" in doc["output"]
    assert "\x1b" not in doc["output"] and "\\x1b" in doc["output"]
    assert set(doc) >= TOP_LEVEL


def test_missing_metadata_is_a_reason_too(course, tmp_path):
    doc = run_autograder(_tree(course, tmp_path, None, {"answers.yaml": "x: 1"}))
    assert doc["score"] == 0 and "submission_metadata.json could not be read" in doc["output"]


def test_an_empty_submission_scores_zero_with_findings(course, tmp_path):
    doc = run_autograder(_tree(course, tmp_path, "ada@uni.edu", {}))
    assert doc["score"] == 0 and len(doc["tests"]) == 5
    assert "no answers file" in doc["output"]
    assert all(t["status"] == "failed" and t["output"] for t in doc["tests"])


def test_a_broken_bundle_exits_1_without_results(course, tmp_path, capsys):
    root = _tree(course, tmp_path, "ada@uni.edu", {})
    (root / "source" / "config.json").unlink()
    assert main(["--root", str(root)]) == 1
    error = capsys.readouterr().err
    assert "config.json is missing or broken" in error and error.count("\n") == 1
    assert not (root / "results" / "results.json").exists()


def test_the_root_comes_from_the_environment(course, tmp_path, monkeypatch, capsys):
    root = _tree(course, tmp_path, "nobody@uni.edu", {})
    monkeypatch.setenv("CNNGRADE_AUTOGRADER_ROOT", str(root))
    assert main([]) == 0
    assert _results(root)["score"] == 0 and "score 0" in capsys.readouterr().out


def test_a_group_submission_is_graded_for_its_first_member_and_says_so(course, tmp_path):
    root = _tree(course, tmp_path, "ada@uni.edu", {"answers.yaml": _answers(course, "s1")})
    meta = json.loads((root / "submission_metadata.json").read_text())
    meta["users"].append({"email": "bob@uni.edu", "name": "Bob", "sid": "", "id": 43})
    (root / "submission_metadata.json").write_text(json.dumps(meta))
    doc = run_autograder(root)
    assert doc["extra_data"]["student_id"] == "s1"
    assert "group submission of 2" in doc["output"]


def test_a_grader_fault_is_told_apart_from_a_verdict(course, tmp_path, monkeypatch, capsys):
    import cnngrade.grader.pipeline as pipeline
    from cnngrade.grader.types import Finding, Verdict

    def broken(slot, path, student_id, lang, settings):
        why = Finding("error", "the sandbox worker died", note=pipeline.GRADER_FAULT)
        return Verdict(slot.slot, slot.exercise_id, 0.0, slot.points, (why,))

    monkeypatch.setattr(pipeline, "grade_code_slot", broken)
    files = {"answers.yaml": _answers(course, "s1"), "corr2d.py": CORRECT_CORR2D}
    root = _tree(course, tmp_path, "ada@uni.edu", files)
    assert main(["--root", str(root)]) == 0
    doc = _results(root)
    assert doc["extra_data"]["grader_faults"] == ["corr2d.1"]
    assert "not a verdict on your work" in doc["output"]
    assert "the grader failed on corr2d.1" in capsys.readouterr().out


def test_a_dry_run_needs_no_interpreter_setting(course, tmp_path):
    """Without CNNGRADE_PYTHON (and no /opt/cnngrade), run_autograder falls back to a python3 that
    imports cnngrade, else to the interpreter that built the bundle (this one)."""
    root = _tree(course, tmp_path, "nobody@uni.edu", {})
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(getattr(sys, "_base_executable", sys.executable))  # no cnngrade
    env = {k: v for k, v in os.environ.items() if k not in ("CNNGRADE_PYTHON", "PYTHONPATH")}
    env |= {"CNNGRADE_AUTOGRADER_ROOT": str(root), "PATH": f"{bare}{os.pathsep}/usr/bin:/bin"}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "not on the course roster" in _results(root)["output"]


def test_a_code_slot_handed_in_as_a_notebook(course, tmp_path):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# corr2d"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": CORRECT_CORR2D.splitlines(keepends=True)},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["corr2d(np.ones((3, 3)), np.ones((2, 2)))"]},
    ]  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    files = {"answers.yaml": _answers(course, "s1"), "corr2d.ipynb": json.dumps(notebook)}
    doc = run_autograder(_tree(course, tmp_path, "ada@uni.edu", files))
    assert doc["score"] == 9 and doc["tests"][-1]["status"] == "passed"


def test_student_code_cannot_read_the_course_key_in_the_bundle(course, tmp_path):
    root = tmp_path / "autograder"
    key_file = root / "source" / ".cnngrade" / "course.key"
    thief = (
        "def corr2d(X, K):\n"
        f"    with open({str(key_file)!r}, 'rb') as f:\n"
        "        raise RuntimeError('LEAK:' + f.read().hex())\n"
    )
    _tree(course, tmp_path, "ada@uni.edu", {"corr2d.py": thief})
    secret = load_course_key(course.manifest, create=False).secret.hex()
    assert key_file.is_file()  # it is there, outside the sandbox
    doc = run_autograder(root)
    text = json.dumps(doc)
    assert secret not in text and key_file.read_bytes().hex() not in text
    assert doc["tests"][-1]["score"] == 0
