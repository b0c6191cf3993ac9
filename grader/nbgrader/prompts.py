"""A student's own problem statement for a tagged prompt cell, and a notebook personalized with them.

The text comes from :mod:`cnngrade.exercises.render` (the same section a student's problem set has);
it never holds an answer. A locked prompt cell gets its nbgrader checksum recomputed for the new text,
so ``nbgrader validate`` does not report it as changed.
"""

from __future__ import annotations

import re
from typing import Any

from cnngrade.exercises.assignment import Assignment, code_registry, personal_problems
from cnngrade.exercises.core import Text
from cnngrade.exercises.render import Task, problem_set_markdown
from cnngrade.grader.nbgrader.tags import nbgrader_meta, slot_of

__all__ = ["personalize_notebook", "prompt_markdown", "public_manifest", "slot_prompts"]

_SELF_CHECK = Text(
    "Check your code with the public cases (never the graded ones) in a new cell:",
    "在新的单元格中用公开用例自查（不是评分用例）：",
)


def _section(markdown: str) -> str:
    """The problem's own section of a one-problem set: from its ``## 1.`` heading, as ``###``."""
    start = markdown.find("\n## ")
    body = markdown[start + 1 :] if start >= 0 else markdown
    return re.sub(r"^## \d+\. ", "### ", body, count=1).strip() + "\n"


def slot_prompts(assignment: Assignment, student_id: str) -> dict[str, str]:
    """Every slot's prompt (Markdown) for one student, keyed by slot id.

    >>> from cnngrade.exercises.assignment import parse_manifest
    >>> a = parse_manifest("id: ps1\\nlanguage: en\\nexercises:\\n  - {id: find_stride}")
    >>> slot_prompts(a, "s1")["find_stride.1"].startswith("### ")
    True
    """
    lang = assignment.language
    prompts = {}
    for problem in personal_problems(assignment, student_id):
        page = problem_set_markdown([problem], title="", student_id=student_id, lang=lang)
        prompts[problem.slot] = _section(page)
    code = code_registry()
    for slot in (s for s in assignment.slots if s.kind == "code"):
        exercise = code.get(slot.code_id)
        task = Task(slot.slot, exercise.title(lang), exercise.statement(lang), slot.points)
        page = problem_set_markdown([], title="", student_id=student_id, lang=lang, tasks=[task])
        line = f'from cnngrade.grader.nbgrader import check; check("{slot.slot}", lang="{lang}")'
        prompts[slot.slot] = _section(page) + f"\n{_SELF_CHECK(lang)}\n\n```python\n{line}\n```\n"
    return prompts


def public_manifest(assignment: Assignment) -> str:
    """The manifest as released inside notebooks: only what prompts need (no instructor comments).

    Slots are numbered as in the original (one entry per slot, in order), so every variant is the same.

    >>> from cnngrade.exercises.assignment import parse_manifest
    >>> a = parse_manifest("id: ps1  # keep quiet\\nexercises:\\n  - {id: find_stride, count: 2}")
    >>> b = parse_manifest(public_manifest(a))
    >>> (b.id, [s.slot for s in b.slots], "quiet" in public_manifest(a))
    ('ps1', ['find_stride.1', 'find_stride.2'], False)
    """
    import yaml

    entries = []
    for slot in assignment.slots:
        entry = {"id": slot.exercise_id, "difficulty": slot.difficulty, "points": slot.points}
        if slot.seconds is not None:
            entry["seconds"] = slot.seconds
        if slot.convention is not None:
            entry["convention"] = slot.convention
        entries.append(entry)
    body = {"id": assignment.id, "title": assignment.title, "language": assignment.language,
            "attempt": assignment.attempt, "exercises": entries}  # fmt: skip
    return yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


def prompt_markdown(assignment: Assignment, slot: str, student_id: str) -> str:
    """One slot's prompt for one student (ValueError if the manifest has no such slot)."""
    prompts = slot_prompts(assignment, student_id)
    if slot not in prompts:
        raise ValueError(
            f"slot {slot!r} is not in the manifest {assignment.id}; its slots: {', '.join(prompts)}"
        )
    return prompts[slot]


def personalize_notebook(nb: Any, assignment: Assignment, student_id: str) -> int:
    """Write the student's prompt into every tagged prompt cell of ``nb`` (in place); return how many
    cells changed.

    Tagged prompt cells are Markdown cells that are neither nbgrader answer nor grade cells. A cell
    with an nbgrader checksum gets it recomputed, so the new text is not a change of a locked cell.
    """
    prompts: dict[str, str] | None = None
    count = 0
    for cell in nb.get("cells", []):
        slot = slot_of(cell)
        meta = nbgrader_meta(cell)
        if (
            slot is None
            or cell.get("cell_type") != "markdown"
            or meta.get("solution")
            or meta.get("grade")
        ):
            continue
        prompts = prompts if prompts is not None else slot_prompts(assignment, student_id)
        if slot not in prompts:
            continue
        if cell.get("source") == prompts[slot]:
            continue
        cell["source"] = prompts[slot]
        if "checksum" in meta:
            from nbformat import from_dict
            from nbgrader.utils import compute_checksum

            meta["checksum"] = compute_checksum(from_dict(cell))
        count += 1
    return count
