"""``cnngrade report OUT``: the instructor's class report, ``OUT/report.html``, from a graded folder.

A thin shell over :func:`grader.report.write_report`; ``grade`` and ``demo`` write the same page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cnngrade.grader.cli.app import app


@app.command("report")
def report(
    out: Annotated[Path, typer.Argument(help="a graded class folder (the --out of `grade`)")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh | en (default: the assignment's language)")
    ] = None,
) -> None:
    """Write OUT/report.html: score distribution, per-slot difficulty and discrimination,
    misconceptions, and the students whose submissions had problems (one offline page)."""
    from cnngrade.grader.report import write_report

    typer.echo(f"report:        {write_report(out, lang=lang)}")
