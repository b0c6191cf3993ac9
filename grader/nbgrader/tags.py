"""Which notebook cells belong to which manifest slot: the ``"cnngrade": {"slot": ...}`` cell tag.

A slot's cells, from the instructor's SOURCE notebook (the submission's metadata is never trusted):

- ``prompts``: Markdown cells tagged with the slot (the student's own problem is written there);
- ``answer``: the nbgrader answer cell (``solution: true``) tagged with the slot;
- ``grade``: the nbgrader grade cell (``grade: true``) tagged with the slot; for a typed answer it is the
  answer cell itself, for code a tests cell.

Cells are found again in a submission by nbgrader's ``grade_id`` (which ``OverwriteCells`` checks
against the gradebook); prompt cells without one are found by position among the tagged prompts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrade.exercises.assignment import Assignment

__all__ = [
    "TAG",
    "SlotCells",
    "check_tags",
    "manifest_path",
    "nbgrader_meta",
    "slot_cells",
    "slot_of",
]

#: the cell (and notebook) metadata key cnngrade reads and writes
TAG = "cnngrade"
_MAX_SLOT = 200


def nbgrader_meta(cell: Any) -> dict:
    """The cell's ``metadata.nbgrader`` dict ({} when absent or malformed)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    value = meta.get("nbgrader") if isinstance(meta, dict) else None
    return value if isinstance(value, dict) else {}


def slot_of(cell: Any) -> str | None:
    """The slot id a cell is tagged with, or None.

    >>> slot_of({"metadata": {"cnngrade": {"slot": "conv2d.1"}}})
    'conv2d.1'
    >>> slot_of({"metadata": {"cnngrade": "conv2d.1"}}) is None
    True
    """
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    tag = meta.get(TAG) if isinstance(meta, dict) else None
    slot = tag.get("slot") if isinstance(tag, dict) else None
    return slot.strip() if isinstance(slot, str) and 0 < len(slot.strip()) <= _MAX_SLOT else None


@dataclass(frozen=True)
class SlotCells:
    """The cells of one slot, named by nbgrader ``grade_id`` (prompts: cell index order kept)."""

    slot: str
    prompts: tuple[str | None, ...] = ()  # each prompt's grade_id (None: a plain Markdown cell)
    answer: str | None = None  # grade_id of the answer cell
    answer_type: str | None = None  # its cell_type: "markdown" (typed answer) or "code"
    grade: str | None = None  # grade_id of the grade cell


def slot_cells(nb: Any) -> dict[str, SlotCells]:
    """Every tagged slot of a (source) notebook, in order of first appearance."""
    found: dict[str, dict[str, Any]] = {}
    for cell in nb.get("cells", []):
        slot = slot_of(cell)
        if slot is None:
            continue
        entry = found.setdefault(slot, {"prompts": []})
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id") if isinstance(meta.get("grade_id"), str) else None
        if meta.get("solution"):
            entry.setdefault("answer", grade_id)
            entry.setdefault("answer_type", cell.get("cell_type"))
        if meta.get("grade"):
            entry.setdefault("grade", grade_id)
        if (
            not meta.get("solution")
            and not meta.get("grade")
            and cell.get("cell_type") == "markdown"
        ):
            entry["prompts"].append(grade_id)
    return {
        slot: SlotCells(
            slot, tuple(e["prompts"]), e.get("answer"), e.get("answer_type"), e.get("grade")
        )
        for slot, e in found.items()
    }


def check_tags(cells: dict[str, SlotCells], assignment: Assignment) -> list[str]:
    """What is wrong with a notebook's tags for this manifest (an empty list: nothing).

    >>> from cnngrade.exercises.assignment import parse_manifest
    >>> a = parse_manifest("id: ps1\\nexercises:\\n  - {id: find_stride}")
    >>> check_tags({"find_stride.2": SlotCells("find_stride.2")}, a)[0]
    "cell tag slot 'find_stride.2' is not in the manifest ps1; its slots: find_stride.1"
    """
    kinds = {s.slot: s.kind for s in assignment.slots}
    problems = []
    for slot, c in cells.items():
        if slot not in kinds:
            known = ", ".join(kinds)
            problems.append(
                f"cell tag slot {slot!r} is not in the manifest {assignment.id}; its slots: {known}"
            )
            continue
        wanted = "markdown" if kinds[slot] == "answer" else "code"
        if c.answer is not None and c.answer_type != wanted:
            problems.append(
                f"slot {slot!r} is a {kinds[slot]} exercise: its answer cell must be a {wanted} "
                f"cell, not {c.answer_type}"
            )
        if c.grade is None and c.answer is not None:
            problems.append(
                f"slot {slot!r} has an answer cell but no tagged grade cell: tag the cell that "
                "holds its points (`grade: true`) with the same slot"
            )
        if c.grade is not None and c.answer is None:
            problems.append(
                f"slot {slot!r} has a grade cell but no tagged answer cell (`solution: true`)"
            )
    return problems


def manifest_path(course_root: str | Path, assignment: str) -> Path:
    """Where an nbgrader assignment's cnngrade manifest lives: ``COURSE/cnngrade/<assignment>.yaml``.

    >>> manifest_path("/course", "ps1").as_posix()
    '/course/cnngrade/ps1.yaml'
    """
    return Path(course_root) / TAG / f"{assignment}.yaml"
