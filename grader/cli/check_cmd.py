"""``cnngrade check EXERCISE FILE``: grade one code submission (.py or .ipynb) and explain the result.

A thin shell over :func:`grader.code.check`. Exit status 0 whenever grading itself worked, whatever
the score; a bad argument is a one-line error (status 2, from ``main``); a sandbox that cannot run or
cannot give ``--require-level`` is status 3.

Two kinds of run:

- the self-check, ``cnngrade check conv2d FILE [--seed N]``: public cases anyone can reproduce;
- the instructor's replay of a graded run, ``cnngrade check --assignment M --student S --slot
  conv2d.1 FILE``: the cases the class run drew for that student with the course key (which must
  exist: ``.cnngrade/course.key`` beside M, ``$CNNGRADE_COURSE_KEY_FILE`` or ``--course-key``), the
  slot's limits and points: the same verdict as the class run.

Everything the submission controls (exception text, printed output, values) is printed with control
characters escaped (``for_terminal``); ``--json`` writes them as ``\\u`` escapes (``for_json``).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from cnngrade.grader.cli.app import app
from cnngrade.grader.neutralize import for_json, for_terminal


@app.command("check")
def check_cmd(
    exercise: Annotated[
        str, typer.Argument(help="code exercise id, e.g. conv2d (see --list)")
    ] = "",
    file: Annotated[
        Path | None, typer.Argument(help="the submission: a .py file or an .ipynb notebook")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object instead of text")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="seed of the random test cases")] = 0,
    lang: Annotated[str, typer.Option("--lang", help="feedback language: zh or en")] = "en",
    device: Annotated[str, typer.Option("--device", help="cpu or cuda")] = "cpu",
    list_all: Annotated[
        bool, typer.Option("--list", help="list the code exercises and exit")
    ] = False,
    require_level: Annotated[
        int | None,
        typer.Option("--require-level", help="refuse to grade below this isolation level (exams)"),
    ] = None,
    statement: Annotated[
        bool,
        typer.Option("--statement", help="print the exercise's task, points and forbidden APIs"),
    ] = False,
    assignment: Annotated[
        Path | None,
        typer.Option("--assignment", help="manifest: replay a student's graded run (instructor)"),
    ] = None,
    student: Annotated[
        str, typer.Option("--student", help="with --assignment: the student id")
    ] = "",
    slot: Annotated[
        str, typer.Option("--slot", help="with --assignment: the code slot, e.g. conv2d.1")
    ] = "",
    course_key: Annotated[
        Path | None,
        typer.Option("--course-key", help="with --assignment: the course key file (else beside M)"),
    ] = None,
) -> None:
    """Run a code submission on randomized cases in the sandbox and report each case."""
    from cnngrade.exercises.code import get, names

    if lang not in ("zh", "en"):
        raise ValueError(f"--lang must be zh or en, got {lang!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"--device must be cpu or cuda, got {device!r}")
    if list_all:
        for name in names():
            typer.echo(f"{name:28s} {get(name).title(lang)}")  # type: ignore[arg-type]
    elif statement:
        typer.echo(_statement(get(exercise), lang))
    elif assignment is not None:
        path = file if file is not None else (Path(exercise) if exercise else None)
        if path is None or not student or not slot or seed:
            raise ValueError(
                "a graded replay needs --assignment M --student S --slot SLOT and FILE (no --seed: "
                "the course key draws the cases), e.g. `cnngrade check --assignment hw1.yaml "
                "--student s01 --slot conv2d.1 conv2d.py`"
            )
        expected = exercise if file is not None else ""
        _replay(assignment, student, slot, path, expected, as_json, lang, device, course_key)
    elif not exercise or file is None:
        raise ValueError("check needs EXERCISE and FILE, e.g. `cnngrade check conv2d my_conv.py`")
    else:
        _grade_and_print(exercise, file, as_json, seed=seed, lang=lang, device=device,
                         require_level=require_level)  # fmt: skip


def _grade_and_print(exercise: str, file: Path, as_json: bool, **options) -> None:
    """Grade one file and print the report; a sandbox that cannot grade is exit status 3."""
    from cnngrade.grader.code import check
    from cnngrade.grader.sandbox import IsolationError, WorkerError

    try:
        report = check(exercise, file, **options)
    except (IsolationError, WorkerError) as exc:  # grading itself did not work: say so, non-zero
        typer.echo(f"cnngrade: grading failed: {for_terminal(exc, one_line=True)}", err=True)
        raise typer.Exit(3) from None
    if as_json:
        typer.echo(for_json(report.to_json()))
        return
    head = "得分" if options["lang"] == "zh" else "score"
    typer.echo(f"{report.exercise}: {head} {report.score:g} / {report.max_score:g}")
    for line in report.feedback():
        typer.echo(for_terminal(line))
    iso = report.isolation
    typer.echo(f"[isolation level {iso.level}: {iso.name}]")


def _code_slot(assignment, slot: str):
    """The manifest's code slot named ``slot`` (or the one slot of the exercise ``slot``)."""
    code = [s for s in assignment.slots if s.kind == "code"]
    hits = [s for s in code if s.slot == slot] or [s for s in code if s.exercise_id == slot]
    if len(hits) != 1:
        names = ", ".join(s.slot for s in code) or "none"
        raise ValueError(
            f"--slot {slot!r} is not a code slot of {assignment.id}; its code slots: {names}"
        )
    return hits[0]


def _replay(manifest: Path, student: str, slot_id: str, file: Path, exercise: str, as_json: bool,
            lang: str, device: str, key_file: Path | None) -> None:  # fmt: skip
    """Grade ``file`` exactly as the class run graded ``student``'s ``slot_id`` and print the verdict."""
    from cnngrade.exercises.assignment import load_manifest
    from cnngrade.grader.course_key import course_key_path, load_course_key
    from cnngrade.grader.feedback import finding_mark
    from cnngrade.grader.pipeline import Settings, grade_code_slot, grader_faulted

    assignment = load_manifest(manifest)
    slot = _code_slot(assignment, slot_id)
    if exercise and exercise != slot.exercise_id:
        raise ValueError(f"slot {slot.slot} is exercise {slot.exercise_id!r}, not {exercise!r}")
    if not file.is_file():
        raise ValueError(f"submission file {str(file)!r} does not exist: pass a .py or .ipynb file")
    key = load_course_key(manifest, create=False, key_file=key_file)
    key_path = course_key_path(manifest, key_file)
    settings = Settings(assignment, manifest.read_text(encoding="utf-8"), key_path.parent,
                        device=None if device == "cpu" else device, course_key=key,
                        course_key_file=key_path)  # fmt: skip
    verdict = grade_code_slot(slot, file, student, lang, settings)  # type: ignore[arg-type]
    if as_json:
        doc = {"assignment": assignment.id, "student": student, "slot": slot.slot,
               "course_key": key.fingerprint, "verdict": asdict(verdict)}  # fmt: skip
        typer.echo(for_json(doc))
    else:
        head = "得分" if lang == "zh" else "score"
        who = for_terminal(student, one_line=True)
        typer.echo(f"{slot.slot} ({slot.exercise_id}), {who}: {head} {verdict.score:g} / "
                   f"{verdict.max_score:g}  [graded cases, course key {key.fingerprint}]")  # fmt: skip
        for finding in verdict.findings:  # marked as in the student's feedback
            typer.echo(f"{finding_mark(finding)} {for_terminal(finding.message)}")
    if grader_faulted(verdict):
        raise typer.Exit(3)


def _statement(exercise, lang: str) -> str:
    """The task as a student reads it: statement, case groups with points, forbidden APIs."""
    lines = [exercise.title(lang), "", exercise.statement(lang), ""]
    for g in exercise.groups:
        lines.append(f"- {g.name}: {g.description(lang)} ({g.points:g} pt)")
    if exercise.forbidden_names:
        label = "禁止使用" if lang == "zh" else "forbidden"
        lines += ["", f"{label}: " + ", ".join(exercise.forbidden_names)]
    return "\n".join(lines)
