"""Grade one tagged slot of a saved (submitted) notebook: a typed answer, or code in the sandbox.

The variant is regenerated from the manifest and nbgrader's student id (the prompt text in the
submission is never read). Code is extracted from the saved notebook (the tagged answer cell plus the
notebook's import and helper cells) and run by cnngrade's sandbox on the student's GRADED cases
(``graded_case_seed`` keyed by the course secret) - never judged from what the student's kernel
printed, never run in this process. Anything the student did becomes a finding; a failure of the
grader itself raises (the caller flags the cell for manual grading).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from cnngrade.exercises.assignment import Assignment, Slot, personal_problems
from cnngrade.exercises.core import Text
from cnngrade.exercises.seeding import graded_case_seed
from cnngrade.grader.nbgrader.tags import SlotCells, nbgrader_meta
from cnngrade.grader.types import Finding, Verdict

__all__ = ["answer_text", "grade_slot", "markdown_answer"]

#: the longest typed answer read (a longer cell is cut; answers are a line or a small matrix)
MAX_ANSWER_CHARS = 20_000
_NO_CELL = Text(
    "The answer cell of this exercise is missing from the notebook.",
    "笔记本中缺少本题的作答单元格。",
)


def _source(cell: Any) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cell(nb: Any, grade_id: str | None) -> Any:
    return next(
        (c for c in nb.get("cells", []) if nbgrader_meta(c).get("grade_id") == grade_id), None
    )


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLOCK_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)", re.M)
# emphasis only where Markdown sees it: the markers touch the text inside and no word outside, so
# k**2*C/g (a power) and C_in*C_out keep every character
_EMPHASIS = re.compile(
    r"(?<![\w*)\]])(\*\*|__|\*|_)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*(\[])", re.S
)
_STUB = "YOUR ANSWER HERE"


def markdown_answer(text: str) -> str:
    """The answer typed in a Markdown cell without its Markdown: comments, heading, quote and list
    markers, emphasis, inline code and ``$`` math delimiters (none of them is part of an answer).

    >>> markdown_answer("**Answer:** `(1, 64, 16, 16)`")
    'Answer: (1, 64, 16, 16)'
    >>> markdown_answer("> $k**2*C_in/g$")
    'k**2*C_in/g'
    """
    text = _COMMENT.sub("", text)
    if text.strip() != _STUB:
        text = text.replace(_STUB, "")
    text = _BLOCK_MARK.sub("", text).replace("`", "").replace("$", "")
    previous = None
    while previous != text:  # nested emphasis (***x***) peels one layer per pass
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    return text.strip()


def answer_text(cell: Any) -> str | None:
    """A typed answer cell's text, or None when it is empty or unchanged since release."""
    text = _source(cell)
    checksum = nbgrader_meta(cell).get("checksum")
    if checksum is not None:
        from nbformat import from_dict
        from nbgrader.utils import compute_checksum

        if compute_checksum(from_dict(cell)) == checksum:
            return None
    text = markdown_answer(text[:MAX_ANSWER_CHARS])
    return text or None


def _missing(slot: Slot, lang: str) -> Verdict:
    return Verdict(slot.slot, slot.exercise_id, 0.0, slot.points,
                   (Finding("missing", _NO_CELL(lang), note="missing"),))  # fmt: skip


def _grade_answer(slot: Slot, cell: Any, assignment: Assignment, student_id: str) -> Verdict:
    from cnngrade.grader.answers import grade_answer, missing_verdict

    lang = assignment.language
    problem = next(p for p in personal_problems(assignment, student_id) if p.slot == slot.slot)
    raw = answer_text(cell)
    if raw is None:
        return missing_verdict(problem, lang)
    return grade_answer(problem, raw, lang=lang, show_solution=False)


def _grade_code(slot: Slot, cells: SlotCells, nb: Any, assignment: Assignment, student_id: str,
                secret: bytes, skip_ids: Sequence[str], hide_paths: Sequence[str]) -> Verdict:  # fmt: skip
    from cnngrade.exercises.code import get as get_code_exercise
    from cnngrade.grader.code import check_source
    from cnngrade.grader.pipeline import scaled_to_slot
    from cnngrade.grader.sandbox.api import Limits
    from cnngrade.grader.sandbox.notebook import extract_answer_code

    exercise = get_code_exercise(slot.code_id)
    source = extract_answer_code(json.dumps(_without_self_checks(nb)), cells.answer or "", skip_ids)
    seed = graded_case_seed(assignment.id, student_id, slot.slot, assignment.attempt, secret)
    limits = Limits(wall_s_per_call=slot.seconds) if slot.seconds else None
    report = check_source(exercise, source, seed=seed, lang=assignment.language, limits=limits,
                          filename=f"{slot.slot}.py", hide_paths=tuple(hide_paths))  # fmt: skip
    return scaled_to_slot(report.verdict(slot.slot), slot)


def _without_self_checks(nb: Any) -> dict:
    """A plain copy of the notebook whose code cells have no self-check lines (those import
    cnngrade, which the sandbox forbids: a student who kept one must not lose the slot)."""
    from cnngrade.grader.nbgrader.selfcheck import strip_self_checks

    cells = []
    for cell in nb.get("cells", []):
        cell = dict(cell)
        if cell.get("cell_type") == "code":
            cell["source"] = strip_self_checks(_source(cell))
        cells.append(cell)
    return {**dict(nb), "cells": cells}


def grade_slot(
    slot: Slot,
    cells: SlotCells,
    nb: Any,
    assignment: Assignment,
    student_id: str,
    *,
    secret: bytes | None = None,
    skip_ids: Sequence[str] = (),
    hide_paths: Sequence[str] = (),
) -> Verdict:
    """The Verdict of one slot of the submitted notebook ``nb`` (max_score: the slot's points).

    ``secret``: the course key (code slots only); ``skip_ids``: nbgrader ids of cells that are never
    a code slot's helpers (other slots' answers, tests cells); ``hide_paths``: folders the student's
    code must not see (the course folder).
    """
    cell = _cell(nb, cells.answer)
    if cell is None or cell.get("cell_type") != cells.answer_type:
        return _missing(slot, assignment.language)
    if slot.kind == "answer":
        return _grade_answer(slot, cell, assignment, student_id)
    if secret is None:
        raise ValueError(f"slot {slot.slot!r} is code: grading it needs the course key's secret")
    return _grade_code(slot, cells, nb, assignment, student_id, secret, skip_ids, hide_paths)
