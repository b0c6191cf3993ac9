"""Slot tags: which cells are a slot's prompt, answer and grade cell, and what is wrong with them."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cnngrade.exercises.assignment import parse_manifest
from cnngrade.grader.nbgrader.tags import SlotCells, check_tags, manifest_path, slot_cells, slot_of

MANIFEST = parse_manifest("id: ps1\nexercises:\n  - {id: find_stride}\n  - {id: conv2d}\n")


def _cell(kind, slot, **nbgrader):
    make = new_markdown_cell if kind == "markdown" else new_code_cell
    meta = {"cnngrade": {"slot": slot}}
    if nbgrader:
        meta["nbgrader"] = nbgrader
    return make("x", metadata=meta)


def test_slot_of_reads_only_well_formed_tags():
    assert slot_of(_cell("markdown", " conv2d.1 ")) == "conv2d.1"
    for bad in ({"cnngrade": {"slot": 3}}, {"cnngrade": ["conv2d.1"]}, {"cnngrade": {"slot": ""}},
                {"cnngrade": {"slot": "x" * 1000}}, {}):  # fmt: skip
        assert slot_of({"metadata": bad}) is None
    assert slot_of("not a cell") is None


def test_slot_cells_finds_prompt_answer_and_grade():
    nb = new_notebook(cells=[
        _cell("markdown", "find_stride.1", grade_id="p1", locked=True),
        _cell("markdown", "find_stride.1", grade_id="a1", solution=True, grade=True, points=1),
        _cell("markdown", "conv2d.1"),
        _cell("code", "conv2d.1", grade_id="code", solution=True),
        _cell("code", "conv2d.1", grade_id="tests", grade=True, locked=True, points=4),
        new_markdown_cell("untagged"),
    ])  # fmt: skip
    cells = slot_cells(nb)
    assert cells["find_stride.1"] == SlotCells("find_stride.1", ("p1",), "a1", "markdown", "a1")
    assert cells["conv2d.1"] == SlotCells("conv2d.1", (None,), "code", "code", "tests")
    assert check_tags(cells, MANIFEST) == []


def test_check_tags_names_each_mistake():
    cells = {
        "find_stride.9": SlotCells("find_stride.9"),
        "find_stride.1": SlotCells("find_stride.1", (), "a", "code", "a"),
        "conv2d.1": SlotCells("conv2d.1", (), "code", "code", None),
    }
    problems = check_tags(cells, MANIFEST)
    assert any("'find_stride.9' is not in the manifest ps1" in p for p in problems)
    assert any("answer cell must be a markdown cell" in p for p in problems)
    assert any("no tagged grade cell" in p for p in problems)
    only_grade = {"conv2d.1": SlotCells("conv2d.1", (), None, None, "tests")}
    assert "no tagged answer cell" in check_tags(only_grade, MANIFEST)[0]


def test_manifest_lives_in_the_course_cnngrade_folder(tmp_path):
    assert manifest_path(tmp_path, "ps1") == tmp_path / "cnngrade" / "ps1.yaml"
