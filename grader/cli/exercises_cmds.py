"""``cnngrade generate`` (personal problem sets + instructor keys) and ``cnngrade list`` (the bank).

Layout written by ``generate``::

    OUT/<student id>/problems.<md|html|json>     the student's set, in the student's language
    OUT/_instructor/<student id>.<md|html|json>  answer key, worked solutions, misconception answers
    OUT/_instructor/key.json                     every student's Problems (for scripts)

Key material never lands in a student folder. Each student gets the roster's ``lang`` if that row has
one, else ``--lang`` if given, else the manifest's ``language``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from cnngrade.exercises import registry
from cnngrade.exercises.assignment import (
    Assignment,
    Student,
    code_registry,
    code_slots,
    load_manifest,
    load_roster,
    personal_problems,
)
from cnngrade.exercises.core import LANGS, Lang
from cnngrade.exercises.render import FORMATS, Task, answer_key, problem_set, problem_to_json
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.cli.app import app

INSTRUCTOR_DIR = "_instructor"


@dataclass(frozen=True)
class GenerateSummary:
    """What ``generate`` wrote."""

    students: int
    problems: int
    out: Path


def _tasks(assignment: Assignment, lang: Lang) -> list[Task]:
    code = code_registry()
    tasks = []
    for slot in code_slots(assignment):
        exercise = code.get(slot.code_id)
        tasks.append(Task(slot.slot, exercise.title(lang), exercise.statement(lang), slot.points))
    return tasks


def _write(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_class(
    assignment: Assignment,
    students: list[Student],
    out: Path,
    fmt: str = "md",
    lang: Lang | None = None,
) -> GenerateSummary:
    """Write every student's problem set and the instructor keys under ``out``."""
    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r} is not supported; use one of {FORMATS}")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"--lang {lang!r} is not supported; use one of {LANGS}")
    keys_dir = out / INSTRUCTOR_DIR
    keys_dir.mkdir(parents=True, exist_ok=True)
    all_keys: dict[str, list[dict]] = {}
    count = 0
    tasks_by_lang = {code: _tasks(assignment, code) for code in LANGS}
    for student in students:
        student_lang: Lang = student.lang or lang or assignment.language
        problems = personal_problems(assignment, student.id, lang=student_lang)
        folder = out / student.id
        folder.mkdir(exist_ok=True)
        title, tasks = assignment.title, tasks_by_lang[student_lang]
        page = problem_set(
            problems, fmt, title=title, student_id=student.id, lang=student_lang, tasks=tasks
        )
        _write(folder / f"problems.{fmt}", page)
        key = answer_key(problems, fmt, title=title, student_id=student.id, lang=student_lang)
        _write(keys_dir / f"{student.id}.{fmt}", key)
        all_keys[student.id] = [problem_to_json(p) for p in problems]
        count += len(problems)
    everything = {"assignment": assignment.id, "attempt": assignment.attempt, "students": all_keys}
    _write(keys_dir / "key.json", json.dumps(everything, ensure_ascii=False))
    return GenerateSummary(len(students), count, out)


@app.command("generate")
def generate(
    manifest: Annotated[Path, typer.Argument(help="assignment manifest (YAML)")],
    roster: Annotated[Path, typer.Option("--roster", help="roster CSV with an `id` column")],
    out: Annotated[Path, typer.Option("--out", help="output folder")],
    fmt: Annotated[str, typer.Option("--format", help="md | html | json")] = "md",
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="zh | en for students without a roster language (overrides the manifest)"
        ),
    ] = None,
) -> None:
    """Write one personal problem set per student and the instructor answer keys."""
    summary = write_class(load_manifest(manifest), load_roster(roster), out, fmt, lang)  # type: ignore[arg-type]
    typer.echo(
        f"wrote {summary.problems} problems for {summary.students} students to {summary.out}; "
        f"answer keys in {summary.out / INSTRUCTOR_DIR}"
    )


def bank_rows() -> list[tuple[str, str, str, str]]:
    """(id, topic, answer type, languages) for every answer and code exercise."""
    rows = []
    for exercise in registry.all_exercises():
        spec = exercise.spec
        if callable(spec):
            level = min(exercise.difficulties)
            spec = spec(exercise.generate(rng_for(0), level))
        rows.append((exercise.id, exercise.topic, spec.kind, ", ".join(LANGS)))
    code = code_registry()
    for name in code.names() if code else []:
        rows.append((name, str(getattr(code.get(name), "topic", "code")), "code", ", ".join(LANGS)))
    return rows


@app.command("list")
def list_exercises() -> None:
    """Show every exercise in the bank: id, topic, answer type, languages."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="cnngrade exercise bank")
    for column in ("id", "topic", "answer type", "languages"):
        table.add_column(column)
    for row in bank_rows():
        table.add_row(*row)
    Console().print(table)
