"""A student's self-check of one answer for their own variant (``cnngrade check-answer``).

The variant is regenerated from the manifest and the student id, exactly as the class run does; the
verdict's messages never contain the expected answer and the worked solution is never attached.
The student is answered in their language: ``--lang`` if given, else the roster's ``lang`` for that
student (the roster passed, or ``roster.csv`` beside the manifest), else the manifest's ``language``.
"""

from __future__ import annotations

from pathlib import Path

from cnngrade.exercises.assignment import Assignment, load_manifest, load_roster, personal_problems
from cnngrade.exercises.core import LANGS, Lang, Problem
from cnngrade.grader.answers.grade import grade_answer
from cnngrade.grader.types import Verdict

__all__ = ["check_answer", "student_lang"]


def student_lang(assignment: Assignment, student_id: str, roster: str | Path | None = None) -> Lang:
    """The language to answer ``student_id`` in: the roster's (``roster``, else ``roster.csv``
    beside the manifest, when it exists), else the manifest's.

    >>> import grader, pathlib
    >>> manifest = pathlib.Path(grader.__file__).parents[1] / "examples" / "assignment.yaml"
    >>> a = load_manifest(manifest)
    >>> student_lang(a, "s02"), student_lang(a, "s01"), student_lang(a, "nobody")
    ('en', 'zh', 'zh')
    """
    if roster is None and Path(assignment.source).is_file():
        beside = Path(assignment.source).parent / "roster.csv"
        roster = beside if beside.is_file() else None
    if roster is not None:
        for student in load_roster(roster):
            if student.id == student_id and student.lang is not None:
                return student.lang
    return assignment.language


def check_answer(
    manifest: str | Path,
    student_id: str,
    slot: str,
    answer: str,
    *,
    lang: Lang | None = None,
    roster: str | Path | None = None,
) -> Verdict:
    """Grade one answer of one student for the slot ``slot`` (or an exercise id with one slot),
    in ``lang`` or else the student's language (:func:`student_lang`).

    >>> import grader, pathlib
    >>> manifest = pathlib.Path(grader.__file__).parents[1] / "examples" / "assignment.yaml"
    >>> v = check_answer(manifest, "s01", "find_stride", "banana", lang="en")
    >>> v.findings[0].kind, v.counts_attempt
    ('format', False)
    """
    if lang is not None and lang not in LANGS:
        raise ValueError(f"--lang {lang!r} is not supported; use one of {LANGS}")
    assignment = load_manifest(manifest)
    lang = lang or student_lang(assignment, student_id, roster)
    problems = personal_problems(assignment, student_id, lang=lang)
    by_slot = {p.slot: p for p in problems}
    by_exercise: dict[str, list[Problem]] = {}
    for p in problems:
        by_exercise.setdefault(p.exercise_id, []).append(p)
    if slot in by_slot:
        problem = by_slot[slot]
    elif len(by_exercise.get(slot, ())) == 1:
        problem = by_exercise[slot][0]
    else:
        raise ValueError(
            f"--exercise {slot!r} is not an answer slot of {assignment.id}; use one of {', '.join(by_slot)}"
        )
    return grade_answer(problem, answer, show_solution=False, lang=lang)
