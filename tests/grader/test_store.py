"""The result store: atomic writes, resumability keys, stray temp files, safe file names."""

from __future__ import annotations

import json
import os

import pytest

from cnngrade.grader.store import (
    ResultStore,
    atomic_write_text,
    file_stem,
    result_from_json,
    result_to_json,
)
from cnngrade.grader.types import Finding, StudentResult, Verdict


def _result(sid="s1", score=1.0):
    finding = Finding(
        "partial", "height right; width wrong.", "partial", score, {"dims_right": [True, False]}
    )
    return StudentResult(
        sid, (Verdict("a.1", "a", score, 2.0, (finding,), True),), ("an error",), None
    )


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    path = tmp_path / "x.json"
    atomic_write_text(path, "old")
    atomic_write_text(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_a_failing_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "x.json"
    atomic_write_text(path, "old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_round_trip_keeps_every_finding(tmp_path):
    store = ResultStore(tmp_path)
    store.save(_result(), "fp1", "zh")
    doc = store.load("s1")
    assert doc["fingerprint"] == "fp1" and doc["lang"] == "zh"
    assert result_from_json(doc) == _result()
    assert json.loads(json.dumps(result_to_json(_result(), "fp", "en")))["score"] == 1.0


def test_is_current_follows_the_fingerprint(tmp_path):
    store = ResultStore(tmp_path)
    assert not store.is_current("s1", "fp1")
    store.save(_result(), "fp1", "en")
    assert store.is_current("s1", "fp1") and not store.is_current("s1", "fp2")


def test_a_corrupt_or_foreign_file_means_regrade(tmp_path):
    store = ResultStore(tmp_path)
    store.path("s1").write_text("{not json")
    assert store.load("s1") is None
    store.path("s2").write_text(json.dumps({"format": 1, "student_id": "someone else"}))
    assert store.load("s2") is None


def test_stray_temp_files_are_cleaned(tmp_path):
    store = ResultStore(tmp_path)
    stray = store.folder / ".s1.json.abc.tmp"
    stray.write_text("half")
    store.clean_strays()
    assert not stray.exists()


@pytest.mark.parametrize("sid", ["..", ".", "a/b", "../../etc/passwd", "李雷", "x y"])
def test_file_names_stay_inside_the_results_folder(tmp_path, sid):
    store = ResultStore(tmp_path)
    assert store.path(sid).parent == store.folder
    assert "/" not in file_stem(sid) and file_stem(sid) not in (".", "..")


def test_student_text_is_stored_as_is_but_written_without_hidden_characters(tmp_path):
    nasty = "\x1b]0;pwned\x07\x9b2J\u202e\udcff"
    result = StudentResult(nasty, (Verdict("a.1", "a", 0.0, 1.0, (Finding("wrong", nasty),)),))
    store = ResultStore(tmp_path)
    path = store.save(result, "fp", "en", course_key="sha256:0123456789abcdef")
    text = path.read_text(encoding="utf-8")
    assert not any(c in text for c in "\x1b\x07\x9b\u202e") and "\\u001b" in text
    doc = store.load(nasty)
    assert doc["course_key"] == "sha256:0123456789abcdef"
    assert result_from_json(doc) == result


def test_file_stems_fit_any_file_system_name(tmp_path):
    for name in ("卷" * 85, "x" * 255, "s\udcff\x1b", "..", "."):
        stem = file_stem(name)
        assert len(stem.encode()) <= 200 and "/" not in stem and stem not in (".", "..")
        atomic_write_text(tmp_path / f"{stem}.json", "{}")
    assert file_stem("卷" * 85) != file_stem("卷" * 84 + "积")
