"""The sample class (cnngrade/sample.py): found as package data, copied into a writable folder."""

from __future__ import annotations

import doctest

import pytest

import cnngrade.sample
from cnngrade.exercises.assignment import load_manifest, load_roster
from cnngrade.sample import MARKER, copy_sample_class, sample_class_dir


def test_docstring_examples_run():
    results = doctest.testmod(cnngrade.sample)
    assert results.attempted > 0 and results.failed == 0


def test_the_sample_class_is_complete():
    folder = sample_class_dir()
    assert load_manifest(folder / "assignment.yaml").id == "demo-hw1"
    assert [s.id for s in load_roster(folder / "roster.csv")][:2] == ["s01", "s02"]
    assert (folder / "submissions" / "s06" / "conv2d.ipynb").is_file()
    assert (folder / "code" / "conv2d_buggy.py").is_file()


def test_a_copy_equals_the_sample_and_a_recopy_replaces_edits_but_keeps_other_files(tmp_path):
    copy = copy_sample_class(tmp_path / "class")
    source = sample_class_dir()
    for path in (source / "submissions").rglob("*"):
        if path.is_file():
            assert (
                copy.submissions / path.relative_to(source / "submissions")
            ).read_bytes() == path.read_bytes()
    (copy.submissions / "s01" / "answers.yaml").write_text("edited", encoding="utf-8")
    (copy.submissions / "stray").mkdir()
    key = copy.folder / ".cnngrade" / "course.key"
    key.parent.mkdir()
    key.write_text("secret", encoding="utf-8")
    again = copy_sample_class(tmp_path / "class")
    assert (again.submissions / "s01" / "answers.yaml").read_bytes() == (
        source / "submissions" / "s01" / "answers.yaml"
    ).read_bytes()
    assert not (again.submissions / "stray").exists()
    assert key.read_text(encoding="utf-8") == "secret"
    assert (again.folder / MARKER).is_file() and not (again.folder / "__init__.py").exists()


def test_a_folder_of_other_files_is_never_overwritten(tmp_path):
    (tmp_path / "class" / "submissions").mkdir(parents=True)
    mine = tmp_path / "class" / "submissions" / "real.txt"
    mine.write_text("a real class", encoding="utf-8")
    with pytest.raises(ValueError, match="not a sample class copy"):
        copy_sample_class(tmp_path / "class")
    assert mine.read_text(encoding="utf-8") == "a real class"
