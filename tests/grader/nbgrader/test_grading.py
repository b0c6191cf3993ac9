"""One slot of a saved notebook: typed answers for the student's own variant, code in the sandbox."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import compute_checksum

from cnngrade.exercises.assignment import parse_manifest, personal_problems
from cnngrade.exercises.render import answer_text as canonical
from cnngrade.grader.nbgrader.grading import answer_text, grade_slot, markdown_answer
from cnngrade.grader.nbgrader.tags import slot_cells
from tests.grader.nbgrader.course import CORRECT, F_CONV

MANIFEST = parse_manifest(
    "id: ps1\nlanguage: en\nexercises:\n  - {id: conv_output_shape, points: 2}\n  - {id: conv2d, points: 4}\n"
)
SECRET = bytes(range(32))


def _nb(answer: str, code: str, *, released: str | None = None):
    shape = {"grade_id": "a", "solution": True, "grade": True, "points": 2}
    cells = [
        new_markdown_cell(answer, metadata={"cnngrade": {"slot": "conv_output_shape.1"}, "nbgrader": shape}),
        new_code_cell("import numpy as np"),
        new_code_cell(code, metadata={"cnngrade": {"slot": "conv2d.1"}, "nbgrader": {"grade_id": "c", "solution": True}}),
        new_code_cell("", metadata={"cnngrade": {"slot": "conv2d.1"},
                                    "nbgrader": {"grade_id": "t", "grade": True, "points": 4, "locked": True}}),
    ]  # fmt: skip
    nb = new_notebook(cells=cells)
    if released is not None:  # the checksum of the text as released
        nb.cells[0].source = released
        checksum = compute_checksum(nb.cells[0])
        nb.cells[0].source = answer
        nb.cells[0].metadata.nbgrader["checksum"] = checksum
    return nb


def _grade(nb, slot, student="s1"):
    cells = slot_cells(nb)
    which = next(s for s in MANIFEST.slots if s.slot == slot)
    return grade_slot(which, cells[slot], nb, MANIFEST, student, secret=SECRET, skip_ids=["t"])


def test_typed_answer_is_graded_against_the_students_own_variant():
    problem = personal_problems(MANIFEST, "s1")[0]
    nb = _nb(f"Answer: {canonical(problem.answer, problem.spec)}", CORRECT)
    assert _grade(nb, "conv_output_shape.1").score == 2.0
    assert _grade(nb, "conv_output_shape.1", student="s2").score < 2.0  # another student's variant


def test_an_unchanged_or_empty_answer_is_missing():
    nb = _nb("YOUR ANSWER HERE", CORRECT, released="YOUR ANSWER HERE")
    assert answer_text(nb.cells[0]) is None
    verdict = _grade(nb, "conv_output_shape.1")
    assert verdict.score == 0 and verdict.findings[0].kind == "missing"
    assert answer_text(new_markdown_cell("   \n")) is None


def test_code_runs_in_the_sandbox_on_graded_cases_scaled_to_the_slot():
    good = _grade(_nb("x", CORRECT), "conv2d.1")
    assert (good.score, good.max_score) == (4.0, 4.0)
    forbidden = _grade(_nb("x", F_CONV), "conv2d.1")
    assert forbidden.score == 0 and any(f.kind == "forbidden" for f in forbidden.findings)


def test_graded_cases_are_not_the_public_ones():
    from cnngrade.exercises.code import get
    from cnngrade.exercises.seeding import rng_for

    verdict = _grade(_nb("x", CORRECT), "conv2d.1")
    graded = [f.detail["params"] for f in verdict.findings if f.kind == "case_passed"]
    assert graded and graded != [c.params for c in get("conv2d").cases(rng_for(0))]


def test_a_deleted_answer_cell_is_missing_and_code_needs_the_secret():
    nb = _nb("x", CORRECT)
    cells = slot_cells(nb)
    del nb.cells[2]
    code = next(s for s in MANIFEST.slots if s.kind == "code")
    assert (
        grade_slot(code, cells["conv2d.1"], nb, MANIFEST, "s1", secret=SECRET).findings[0].kind
        == "missing"
    )
    with pytest.raises(ValueError, match="course key"):
        grade_slot(code, cells["conv2d.1"], _nb("x", CORRECT), MANIFEST, "s1")


def test_a_kept_self_check_line_does_not_cost_the_slot():
    nb = _nb("x", CORRECT)
    nb.cells.insert(1, new_code_cell("from cnngrade.grader.nbgrader import check"))
    nb.cells[3].source += '\ncheck("conv2d.1", lang="en")'
    assert _grade(nb, "conv2d.1").score == 4.0


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("**Answer:** `(1, 64, 16, 16)`", "Answer: (1, 64, 16, 16)"),
        ("YOUR ANSWER HERE\n\n> $(1, 64, 16, 16)$ <!-- checked twice -->", "(1, 64, 16, 16)"),
        ("# *B*", "B"),
        ("C_in*C_out*k**2/g", "C_in*C_out*k**2/g"),  # a power and subscripts are not emphasis
        ("$$\\frac{C_{in} C_{out} k^2}{g}$$", "\\frac{C_{in} C_{out} k^2}{g}"),
        ("-3 2; 1 0", "-3 2; 1 0"),  # a negative entry is not a list marker
        ("| 1 | 2 |\n|---|---|\n| 3 | 4 |", "| 1 | 2 |\n|---|---|\n| 3 | 4 |"),
    ],
)
def test_markdown_decoration_is_not_part_of_the_answer(typed, read):
    assert markdown_answer(typed) == read


def test_a_decorated_answer_gets_full_marks():
    problem = personal_problems(MANIFEST, "s1")[0]
    nb = _nb(f"**Answer:** `{canonical(problem.answer, problem.spec)}`", CORRECT)
    assert _grade(nb, "conv_output_shape.1").score == 2.0
