"""A synthetic class of 200 students: the exact expected gradebook, and a real SIGKILL mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.grader.classrun import grade_class
from cnngrade.grader.gradebook import read_gradebook

from .classdata import write_answers, write_manifest

N = 200
ROOT = Path(__file__).resolve().parents[2]


def _student_answers(problems, kind: int) -> tuple[dict | None, float]:
    """(answers, expected total) for one student of category ``kind``."""
    if kind == 0:  # all right
        return {p.slot: str(p.answer) for p in problems}, 6.0
    if kind == 1:  # wrong: shape width off by one, integer off, one matrix element off
        out, total = {}, 0.0
        for p in problems:
            if p.spec.kind == "shape":
                out[p.slot] = str(p.answer[:-1] + [p.answer[-1] + 1])
                total += p.points * 3 / 4
            elif p.spec.kind == "int_matrix":
                wrong = [row[:] for row in p.answer]
                wrong[0][0] += 1
                out[p.slot] = str(wrong)
                n = sum(len(r) for r in p.answer)
                total += p.points * (0.5 + 0.5 * (n - 1) / n)
            else:
                out[p.slot] = str(p.answer + 100)
        return out, total
    if kind == 2:  # malformed everywhere
        return dict(
            zip(
                [p.slot for p in problems],
                ["28*28*6", "1,5", "[[1, 2], [3]]", "three"],
                strict=False,
            )
        ), 0.0
    if kind == 3:  # only one answer, right
        p = problems[1]
        return {p.slot: f"{p.answer:,}"}, float(p.points)
    return None, 0.0


def _write_class(tmp_path: Path) -> tuple[Path, Path, Path, dict[str, float]]:
    manifest = write_manifest(tmp_path)
    assignment = load_manifest(manifest)
    subs = tmp_path / "subs"
    subs.mkdir()
    expected = {}
    ids = [f"s{i:03d}" for i in range(N)]
    for i, sid in enumerate(ids):
        answers, total = _student_answers(personal_problems(assignment, sid), i % 5)
        expected[sid] = round(total, 4)
        if answers is not None:
            write_answers(subs, sid, answers)
        elif i % 10 == 4:
            (subs / sid).mkdir()
            (subs / sid / "answers.yaml").write_text("x: [1, 2\n")  # invalid YAML
        # i % 10 == 9: no folder at all
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"{sid},Student {sid}\n" for sid in ids))
    return manifest, subs, roster, expected


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    manifest, subs, roster, expected = _write_class(tmp)
    out = tmp / "out"
    summary = grade_class(subs, manifest, out, roster=roster)
    return tmp, manifest, subs, roster, expected, out, summary


def test_gradebook_is_exactly_as_expected(klass):
    _, _, _, _, expected, out, summary = klass
    book = read_gradebook(out / "gradebook.csv")
    assert list(book["student_id"]) == sorted(expected) and book["student_id"].is_unique
    got = dict(zip(book["student_id"], book["total"], strict=False))
    assert got == pytest.approx(expected, abs=1e-4)
    assert (book["max"] == 6.0).all()
    assert summary.graded == N and summary.skipped == 0
    assert len(list((out / "results").glob("*.json"))) == N
    assert len(list((out / "feedback").glob("*.md"))) == N


def test_item_analysis_counts_the_class(klass):
    *_, out, summary = klass
    items = summary.item_analysis.set_index("slot")
    assert (items["students"] == N).all()
    assert items.loc["same_padding.1", "n_full"] == 80  # categories 0 and 3
    assert (
        items.loc["conv_output_shape.1", "n_format"] == 40
        and items.loc["find_stride.1", "n_full"] == 40
    )
    assert "missing" in items.loc["find_stride.1", "top_notes"]


def test_rerun_skips_everyone_and_a_changed_submission_is_regraded(klass):
    tmp, manifest, subs, roster, expected, out, _ = klass
    again = grade_class(subs, manifest, out, roster=roster)
    assert (again.graded, again.skipped) == (0, N)
    p = personal_problems(load_manifest(manifest), "s002")[1]
    write_answers(subs, "s002", {p.slot: str(p.answer)})  # a malformed student fixes one answer
    third = grade_class(subs, manifest, out, roster=roster)
    assert third.graded == 1
    assert third.gradebook.set_index("student_id").loc["s002", "total"] == p.points
    write_answers(
        subs,
        "s002",
        dict(
            zip(
                [q.slot for q in personal_problems(load_manifest(manifest), "s002")],
                ["28*28*6", "1,5", "[[1, 2], [3]]", "three"],
                strict=False,
            )
        ),
    )
    grade_class(subs, manifest, out, roster=roster)


def test_lost_or_stale_feedback_is_rebuilt_without_regrading(klass):
    tmp, manifest, subs, roster, expected, out, _ = klass
    (out / "feedback" / "s000.md").unlink()  # as if a power cut lost an un-fsynced file
    (out / "feedback" / "s001.html").write_text("stale")
    before = (out / "results" / "s000.json").stat().st_mtime_ns
    again = grade_class(subs, manifest, out, roster=roster)
    assert again.graded == 0
    assert "s000" in (out / "feedback" / "s000.md").read_text(encoding="utf-8")
    assert (out / "feedback" / "s001.html").read_text(encoding="utf-8") != "stale"
    assert (out / "results" / "s000.json").stat().st_mtime_ns == before


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cnngrade.grader.cli.main", "grade", *args]


def test_sigkill_mid_run_then_rerun_gives_the_same_gradebook(klass):
    tmp, manifest, subs, roster, expected, out, _ = klass
    killed = tmp / "killed"
    args = _cli(
        str(subs), "--assignment", str(manifest), "--out", str(killed), "--roster", str(roster)
    )
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = killed / "results"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if results.is_dir() and len(list(results.glob("*.json"))) >= 20:
            break
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGSTOP)  # freeze it wherever it is, then kill it there
    done_before = len(list(results.glob("*.json")))
    assert proc.poll() is None and not (killed / "gradebook.csv").exists(), (
        "the run ended before the kill"
    )
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert 20 <= done_before < N
    for path in results.glob("*.json"):  # every file that exists is whole
        json.loads(path.read_text(encoding="utf-8"))
    rerun = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    graded_again = int(rerun.stdout.split("graded ")[1].split(" of")[0])
    assert graded_again == N - done_before  # finished students are not redone; nothing was lost
    assert (killed / "gradebook.csv").read_bytes() == (out / "gradebook.csv").read_bytes()
    assert not list(results.glob(".*.tmp"))


def test_links_are_their_own_students_and_the_key_is_recorded(tmp_path, monkeypatch):
    from cnngrade.grader.course_key import KEY_ENV, load_course_key

    monkeypatch.delenv(KEY_ENV, raising=False)
    manifest = write_manifest(tmp_path)
    problems = personal_problems(load_manifest(manifest), "s1")
    subs = tmp_path / "subs"
    victim = write_answers(subs, "s1", {p.slot: str(p.answer) for p in problems})
    (subs / "s2").symlink_to(victim, target_is_directory=True)
    write_answers(subs, "s3\x1b[2J", {})
    (subs / "notes.txt").write_text("a plain file is not a student")
    summary = grade_class(subs, manifest, tmp_path / "out")
    book = summary.gradebook.set_index("student_id")
    assert list(book.index) == ["s1", "s2", "s3\\x1b[2J"]
    assert book.loc["s1", "total"] == 6.0 and book.loc["s2", "total"] == 0.0
    key = load_course_key(manifest, create=False)
    assert summary.course_key == key.fingerprint
    assert (manifest.parent / ".cnngrade" / "course.key").is_file()
    doc = json.loads((tmp_path / "out" / "results" / "s2.json").read_text(encoding="utf-8"))
    assert doc["course_key"] == key.fingerprint
    assert "the folder is a symbolic link; hand in a real folder" in doc["errors"]


def test_an_nbgrader_submitted_folder_is_a_one_line_error_not_a_class_of_zeros(tmp_path):
    manifest = write_manifest(tmp_path)
    submitted = tmp_path / "submitted"
    for student in ("alice", "bob"):
        (submitted / student / "test-hw").mkdir(parents=True)
        (submitted / student / "test-hw" / "hw.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"nbgrader's submitted/<student>/test-hw/ .*nbgrader init"
    ):
        grade_class(submitted, manifest, tmp_path / "out")
    assert not (tmp_path / "out" / "gradebook.csv").exists()
    # one real hand-in among them: the class layout, graded as usual
    write_answers(submitted, "carol", {"find_stride.1": "1"})
    summary = grade_class(submitted, manifest, tmp_path / "out")
    assert summary.graded == 3
