"""The personalizing fetch: who is fetching, and each fetched notebook rewritten for them."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from cnngrade.exercises.assignment import parse_manifest
from cnngrade.grader.nbgrader.personalize import fetching_student, personalize_file
from cnngrade.grader.nbgrader.prompts import slot_prompts

MANIFEST = "id: ps1\nlanguage: en\nexercises:\n  - {id: find_stride}\n"


class _Dir:
    def __init__(self, student_id):
        self.student_id = student_id


def test_fetching_student_prefers_an_explicit_student_then_the_hub_user(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-user")
    assert fetching_student(_Dir("given")) == "given"
    assert fetching_student(_Dir("*")) == "hub-user"
    monkeypatch.delenv("JUPYTERHUB_USER")
    from nbgrader.utils import get_username

    assert fetching_student(_Dir("*")) == get_username()


def _write(path, with_manifest=True):
    nb = new_notebook(
        cells=[new_markdown_cell("shared", metadata={"cnngrade": {"slot": "find_stride.1"}})]
    )
    if with_manifest:
        nb.metadata["cnngrade"] = {"assignment": "ps1", "manifest": MANIFEST}
    nbformat.write(nb, path)


def test_personalize_file_writes_the_students_prompt(tmp_path):
    path = tmp_path / "ps1.ipynb"
    _write(path)
    assert personalize_file(path, "s7") == 1
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].source == slot_prompts(parse_manifest(MANIFEST), "s7")["find_stride.1"]


def test_a_notebook_without_cnngrade_metadata_is_left_as_fetched(tmp_path):
    path = tmp_path / "plain.ipynb"
    _write(path, with_manifest=False)
    before = path.read_bytes()
    assert personalize_file(path, "s7") == 0
    assert path.read_bytes() == before
