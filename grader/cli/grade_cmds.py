"""``cnngrade grade`` (a class), ``cnngrade check-answer`` (a student's self-check), ``cnngrade demo``.

Thin shells over :func:`grader.classrun.grade_class` and :func:`grader.answers.check.check_answer`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cnngrade.exercises.core import Text
from cnngrade.grader.cli.app import app
from cnngrade.grader.neutralize import for_terminal

__all__ = ["examples_dir"]


def examples_dir() -> Path:
    """The installed sample class (package data ``cnngrade.examples``; ``examples/`` in a checkout)."""
    from cnngrade.sample import sample_class_dir

    return sample_class_dir()


def _summary_table(book, title: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for column in ("student", "total", "max", "problems"):
        table.add_column(column, justify="right" if column != "student" else "left")
    for row in book.itertuples(index=False):
        table.add_row(  # a folder name is plain Text: no markup, no :emoji: codes, escapes shown
            Text(for_terminal(row.student_id, one_line=True)),
            f"{round(row.total, 2):g}",
            f"{row.max:g}",
            str(row.errors or ""),
        )
    Console().print(table)


def _report(summary, out: Path) -> None:
    typer.echo(
        f"graded {summary.graded} of {summary.students} students "
        f"({summary.skipped} unchanged since the last run; --force regrades them)"
    )
    typer.echo(f"gradebook:     {out / 'gradebook.csv'}")
    typer.echo(f"item analysis: {out / 'item_analysis.csv'}")
    typer.echo(f"feedback:      {out / 'feedback'}/<student>.md|html")
    typer.echo(f"results:       {out / 'results'}/<student>.json")
    typer.echo(f"class report:  {_write_report(out)}")


def _write_report(out: Path) -> str:
    """``OUT/report.html`` (grader.report); a failure there never costs the grades just saved."""
    from cnngrade.grader.report import write_report

    try:
        return str(write_report(out))
    except Exception as exc:  # the grades are saved: say why and how to retry, never a traceback
        typer.echo(f"warning: no class report ({type(exc).__name__}: {exc}); "
                   f"run `cnngrade report {out}` to retry", err=True)  # fmt: skip
        return "(not written)"


def _exit_on_faults(summary) -> None:
    """Exit 3 (after everything is written) when the grader itself failed on some students."""
    if summary.faults:
        who = ", ".join(for_terminal(f, one_line=True) for f in summary.faults[:10])
        who += " ..." if len(summary.faults) > 10 else ""
        typer.echo(
            f"error: the grader failed on {len(summary.faults)} student(s) ({who}); their other "
            "grades are saved — run the same command again to retry them",
            err=True,
        )
        raise typer.Exit(3)


@app.command("grade")
def grade(
    submissions: Annotated[Path, typer.Argument(help="folder with one folder per student")],
    assignment: Annotated[Path, typer.Option("--assignment", help="assignment manifest (YAML)")],
    out: Annotated[Path, typer.Option("--out", help="output folder")],
    roster: Annotated[
        Path | None,
        typer.Option("--roster", help="roster CSV (students without a folder count as missing)"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="regrade students already graded")] = False,
    show_solutions: Annotated[
        bool, typer.Option("--show-solutions", help="worked solutions in the feedback")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", help="worker processes")] = 1,
    device: Annotated[
        str | None,
        typer.Option("--device", help="cpu or cuda: where torch-based code exercises run"),
    ] = None,
) -> None:
    """Grade a class: gradebook, per-student results and feedback, item analysis (resumable)."""
    from cnngrade.grader.classrun import grade_class

    summary = grade_class(submissions, assignment, out, roster=roster, force=force,
                          show_solutions=show_solutions, jobs=jobs, progress=True,
                          device=device)  # fmt: skip
    _report(summary, out)
    _summary_table(summary.gradebook, "gradebook")
    _exit_on_faults(summary)


#: A finding's kind as the student reads it, per language.
_KIND_WORDS = {
    "zh": {"correct": "正确", "partial": "部分正确", "wrong": "错误", "misconception": "常见错误",
           "format": "格式", "missing": "未作答"},
}  # fmt: skip
_SCORE = Text("score: {s:g} / {m:g}", "得分：{s:g} / {m:g}")
_FORMAT_NOTE = Text(
    "(a format problem: this check does not count as an attempt)",
    "（格式问题：本次检查不计入作答次数）",
)


@app.command("check-answer")
def check_answer_cmd(
    assignment: Annotated[Path, typer.Option("--assignment", help="assignment manifest (YAML)")],
    student: Annotated[str, typer.Option("--student", help="your student id")],
    exercise: Annotated[str, typer.Option("--exercise", help="slot id, e.g. conv_output_shape.1")],
    answer: Annotated[str, typer.Option("--answer", help="your answer as you would hand it in")],
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="zh | en (default: the roster's language, else the manifest's)"
        ),
    ] = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="roster CSV with a lang column (default: roster.csv beside the manifest)",
        ),
    ] = None,
) -> None:
    """Check one answer for your own variant and see the feedback (the answer is never shown)."""
    from cnngrade.exercises.assignment import load_manifest
    from cnngrade.grader.answers.check import check_answer, student_lang

    shown = lang or student_lang(load_manifest(assignment), student, roster)
    verdict = check_answer(assignment, student, exercise, answer, lang=shown, roster=roster)
    words = _KIND_WORDS.get(shown, {})  # English shows the kinds as they are
    for finding in verdict.findings:
        typer.echo(f"[{words.get(finding.kind, finding.kind)}] {for_terminal(finding.message)}")
    typer.echo(_SCORE.format(s=verdict.score, m=verdict.max_score)(shown))
    if not verdict.counts_attempt:
        typer.echo(_FORMAT_NOTE(shown))


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("demo-out"),
    force: Annotated[bool, typer.Option("--force", help="regrade everyone")] = False,
) -> None:
    """Generate the sample class's problem sets, grade its submissions, write gradebook and feedback.

    The installed sample class is copied into OUT/class first and graded from there: the package
    folder may be read-only, and grading writes beside the manifest (the course key).
    """
    from cnngrade.exercises.assignment import load_manifest, load_roster
    from cnngrade.grader.classrun import grade_class
    from cnngrade.grader.cli.exercises_cmds import write_class
    from cnngrade.sample import copy_sample_class

    sample = copy_sample_class(out / "class")
    manifest, roster = sample.manifest, sample.roster
    typer.echo(f"sample class:  {sample.folder} (manifest, roster, submissions; copied afresh)")
    written = write_class(load_manifest(manifest), load_roster(roster), out / "problems")
    typer.echo(
        f"problem sets:  {written.out}/<student>/problems.md (answer keys in {written.out}/_instructor)"
    )
    summary = grade_class(
        sample.submissions, manifest, out, roster=roster, force=force, progress=True
    )
    _report(summary, out)
    _summary_table(summary.gradebook, "demo class")
    items = summary.item_analysis
    typer.echo("per slot: mean score, most frequent misconceptions (answer notes):")
    for row in items.itertuples(index=False):
        typer.echo(
            f"  {row.slot:<24} mean {row.mean_fraction:>4.0%}  "
            f"{for_terminal(row.top_misconceptions or '-', one_line=True)}"
        )
    _exit_on_faults(summary)
