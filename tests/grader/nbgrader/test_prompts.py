"""Prompt cells: each student's own problem, no answers, checksums that nbgrader validate accepts."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import compute_checksum

from cnngrade.exercises.assignment import parse_manifest, personal_problems
from cnngrade.exercises.render import answer_forms
from cnngrade.grader.nbgrader.prompts import personalize_notebook, prompt_markdown, slot_prompts

MANIFEST = parse_manifest(
    "id: ps1\nlanguage: en\nexercises:\n  - {id: conv_output_shape, count: 2}\n  - {id: conv2d}\n"
)


def _notebook():
    locked = {"grade_id": "p1", "locked": True, "grade": False, "solution": False}
    cells = [
        new_markdown_cell("shared text", metadata={"cnngrade": {"slot": "conv_output_shape.1"}, "nbgrader": locked}),
        new_markdown_cell("shared text", metadata={"cnngrade": {"slot": "conv2d.1"}}),
        new_markdown_cell("answer", metadata={"cnngrade": {"slot": "conv_output_shape.1"},
                                              "nbgrader": {"grade_id": "a", "solution": True, "grade": True}}),
        new_code_cell("x = 1", metadata={"cnngrade": {"slot": "conv2d.1"}}),
        new_markdown_cell("not mine", metadata={"cnngrade": {"slot": "unknown.1"}}),
    ]  # fmt: skip
    nb = new_notebook(cells=cells)
    nb.cells[0].metadata.nbgrader["checksum"] = compute_checksum(nb.cells[0])
    return nb


def test_prompts_differ_per_student_and_hold_no_answer():
    texts = {s: slot_prompts(MANIFEST, s) for s in ("s1", "s2", "s3", "s4")}
    assert len({t["conv_output_shape.1"] for t in texts.values()}) == 4
    for student, prompts in texts.items():
        for problem in personal_problems(MANIFEST, student):
            assert problem.prompt in prompts[problem.slot]
            assert not any(
                form in prompts[problem.slot] for form in answer_forms(problem.answer, problem.spec)
            )
    assert 'check("conv2d.1", lang="en")' in texts["s1"]["conv2d.1"]


def test_personalize_rewrites_only_prompt_cells_and_recomputes_checksums():
    nb = _notebook()
    assert personalize_notebook(nb, MANIFEST, "s1") == 2
    prompts = slot_prompts(MANIFEST, "s1")
    assert nb.cells[0].source == prompts["conv_output_shape.1"]
    assert nb.cells[1].source == prompts["conv2d.1"]
    assert [c.source for c in nb.cells[2:]] == ["answer", "x = 1", "not mine"]
    assert nb.cells[0].metadata.nbgrader["checksum"] == compute_checksum(nb.cells[0])
    assert personalize_notebook(nb, MANIFEST, "s1") == 0  # already personal: nothing changes


def test_prompt_markdown_names_an_unknown_slot():
    import pytest

    with pytest.raises(ValueError, match="'nope.1' is not in the manifest ps1"):
        prompt_markdown(MANIFEST, "nope.1", "s1")
