"""``cnngrade gradescope MANIFEST --out autograder.zip`` (thin shell over grader.gradescope)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cnngrade.grader.cli.app import app


@app.command("gradescope")
def gradescope(
    manifest: Annotated[Path, typer.Argument(help="assignment manifest (YAML)")],
    out: Annotated[Path, typer.Option("--out", help="the zip to write")] = Path("autograder.zip"),
    roster: Annotated[
        Path | None,
        typer.Option("--roster", help="roster CSV mapping Gradescope's students to roster ids"),
    ] = None,
    id_field: Annotated[
        str,
        typer.Option(
            "--id-field", help="Gradescope's user field naming the student: sid | email | name | id"
        ),
    ] = "sid",
    roster_column: Annotated[
        str | None,
        typer.Option(
            "--roster-column",
            help="roster column holding that field (default: id for sid, else the field)",
        ),
    ] = None,
    torch: Annotated[
        str | None,
        typer.Option(
            "--torch",
            help="torch version setup.sh installs (default: this one; 'latest': unpinned)",
        ),
    ] = None,
    wheel: Annotated[
        Path | None,
        typer.Option("--wheel", help="the cnngrade wheel to ship (default: this cnngrade)"),
    ] = None,
    show_solutions: Annotated[
        bool, typer.Option("--show-solutions", help="worked solutions for wrong answers")
    ] = False,
    visibility: Annotated[
        str,
        typer.Option("--visibility", help="visible | hidden | after_due_date | after_published"),
    ] = "visible",
) -> None:
    """Build a Gradescope autograder zip: setup.sh (CPU torch + cnngrade), run_autograder, the manifest."""
    from cnngrade.grader.gradescope import build_bundle

    bundle = build_bundle(manifest, out, roster=roster, id_field=id_field,
                          roster_column=roster_column, torch=torch, wheel=wheel,
                          show_solutions=show_solutions, visibility=visibility)  # fmt: skip
    typer.echo(f"autograder: {bundle.path} ({', '.join(bundle.files)})")
    typer.echo(f"course key: {bundle.course_key} (inside the zip: upload it only to Gradescope)")
