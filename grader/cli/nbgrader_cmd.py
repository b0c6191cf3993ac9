"""``cnngrade nbgrader init COURSE_DIR``: add cnngrade to an nbgrader course (a thin shell)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cnngrade.grader.cli.app import app

nbgrader_app = typer.Typer(
    help="Use cnngrade inside nbgrader (personal variants, gradebook.db scores, feedback, export).",
    no_args_is_help=True,
)
app.add_typer(nbgrader_app, name="nbgrader")


@nbgrader_app.command("init")
def init_cmd(
    course_dir: Annotated[Path, typer.Argument(help="the nbgrader course folder")],
    student_config: Annotated[
        Path | None,
        typer.Option(
            "--student-config",
            help="folder of the nbgrader_config.py students' nbgrader reads "
            "(default: this environment's etc/jupyter)",
        ),
    ] = None,
) -> None:
    """Add cnngrade to COURSE_DIR/nbgrader_config.py (idempotent; your own settings are kept)."""
    try:
        from cnngrade.grader.nbgrader.init import init_course
    except ImportError as exc:
        raise ValueError(
            f'nbgrader is not installed ({exc}); run `pip install "cnngrade[nbgrader]"`'
        ) from None
    for path in init_course(course_dir, student_config=student_config):
        typer.echo(f"cnngrade: configured {path}")
    typer.echo(
        f"cnngrade: put each assignment's manifest at {course_dir / 'cnngrade'}/<assignment>.yaml; "
        "run nbgrader with this environment activated (it runs `alembic` from PATH)"
    )
