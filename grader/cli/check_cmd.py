"""``cnngrade check EXERCISE FILE``: grade one code submission (.py or .ipynb) and explain the result.

A thin shell over :func:`grader.code.check`. Exit status 0 whenever grading itself worked, whatever
the score; a bad argument is a one-line error (status 2, from ``main``); a sandbox that cannot run or
cannot give ``--require-level`` is status 3.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cnngrade.grader.cli.app import app


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
        typer.echo(f"cnngrade: grading failed: {exc}", err=True)
        raise typer.Exit(3) from None
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    head = "得分" if options["lang"] == "zh" else "score"
    typer.echo(f"{report.exercise}: {head} {report.score:g} / {report.max_score:g}")
    for line in report.feedback():
        typer.echo(line)
    iso = report.isolation
    typer.echo(f"[isolation level {iso.level}: {iso.name}]")


def _statement(exercise, lang: str) -> str:
    """The task as a student reads it: statement, case groups with points, forbidden APIs."""
    lines = [exercise.title(lang), "", exercise.statement(lang), ""]
    for g in exercise.groups:
        lines.append(f"- {g.name}: {g.description(lang)} ({g.points:g} pt)")
    if exercise.forbidden_names:
        label = "禁止使用" if lang == "zh" else "forbidden"
        lines += ["", f"{label}: " + ", ".join(exercise.forbidden_names)]
    return "\n".join(lines)
