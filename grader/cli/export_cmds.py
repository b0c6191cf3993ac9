"""``cnngrade export canvas|moodle GRADED``: gradebook files an LMS imports (thin shell over grader.lms)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cnngrade.grader.cli.app import app

export_app = typer.Typer(
    help="Gradebook files for an LMS (Canvas, Moodle) from a graded class folder.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

_Graded = Annotated[Path, typer.Argument(help="the --out folder of `cnngrade grade`")]
_Roster = Annotated[
    Path, typer.Option("--roster", help="roster CSV with the LMS's student ids as extra columns")
]
_Manifest = Annotated[
    Path | None,
    typer.Option(
        "--assignment", help="the manifest it was graded with (default: GRADED/class.json)"
    ),
]
_Out = Annotated[
    Path | None, typer.Option("--out", help="file to write (default: GRADED/<lms>.csv)")
]


def _say(export, path: Path, lms: str) -> None:
    from cnngrade.grader.neutralize import for_terminal

    rows = int((export.frame.iloc[:, 0] != "Points Possible").sum())  # not Canvas's points row
    typer.echo(f"{lms}: {rows} students -> {path}")
    if export.left_out:
        names = ", ".join(for_terminal(s, one_line=True) for s in export.left_out[:10])
        more = " ..." if len(export.left_out) > 10 else ""
        typer.echo(
            f"warning: {len(export.left_out)} graded student(s) left out (not on the roster, or no "
            f"{lms} id there): {names}{more}",
            err=True,
        )
    if export.ungraded:
        names = ", ".join(for_terminal(s, one_line=True) for s in export.ungraded[:10])
        typer.echo(
            f"warning: {len(export.ungraded)} roster student(s) have no gradebook row; their cells "
            f"are empty (the LMS keeps what it has): {names}",
            err=True,
        )


@export_app.command("canvas")
def canvas(
    graded: _Graded,
    roster: _Roster,
    assignment: _Manifest = None,
    out: _Out = None,
    column: Annotated[
        str | None, typer.Option("--column", help="assignment column name (default: the title)")
    ] = None,
    canvas_assignment_id: Annotated[
        int | None,
        typer.Option("--canvas-assignment-id", help="update this existing Canvas assignment"),
    ] = None,
) -> None:
    """Canvas gradebook import CSV: Student, ID, SIS User ID, SIS Login ID, Section, the assignment."""
    from cnngrade.grader.lms import canvas_gradebook, write_export

    export = canvas_gradebook(graded, roster, manifest=assignment, column=column,
                              canvas_assignment_id=canvas_assignment_id)  # fmt: skip
    _say(export, write_export(export, out or graded / "canvas.csv"), "Canvas")


@export_app.command("moodle")
def moodle(
    graded: _Graded,
    roster: _Roster,
    assignment: _Manifest = None,
    out: _Out = None,
    id_column: Annotated[
        str,
        typer.Option(
            "--id-column", help="roster column Moodle matches users by: email | idnumber | username"
        ),
    ] = "email",
    items: Annotated[
        str, typer.Option("--items", help="grade item columns: both | slots | total")
    ] = "both",
) -> None:
    """Moodle grade import CSV: the user's identifier, then one column per grade item."""
    from cnngrade.grader.lms import moodle_grades, write_export

    export = moodle_grades(graded, roster, manifest=assignment, id_column=id_column, items=items)
    _say(export, write_export(export, out or graded / "moodle.csv"), "Moodle")
