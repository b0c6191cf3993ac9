"""``cnngrade seeds``: the reference's reproduction of every worked example in the course notes."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cnngrade.grader.cli.app import app
from cnngrade.reference.seeds import SeedExample, seed_examples


def _text(value) -> str:
    """Compact, readable rendering of a value (nested lists on one line, sympy as written)."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_text(v) for v in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return str(value)


def seeds_table(examples: tuple[SeedExample, ...]) -> Table:
    """A rich table: seed file, example, value, note."""
    table = Table(
        title="Worked examples of the course notes, recomputed by the reference", show_lines=False
    )
    table.add_column("seed", style="dim", no_wrap=True)
    table.add_column("example")
    table.add_column("reference value", style="bold")
    table.add_column("note", style="yellow")
    for example in examples:
        table.add_row(example.seed_file[:3], example.title, _text(example.value), example.note)
    return table


@app.command("seeds")
def seeds(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    seed_file: Annotated[
        str, typer.Option("--seed", help="Only examples of this seed file (prefix, e.g. 001).")
    ] = "",
) -> None:
    """Print the reference's reproduction of the seed notes' worked examples."""
    examples = tuple(e for e in seed_examples() if e.seed_file.startswith(seed_file))
    if not examples:
        raise ValueError(
            f"--seed {seed_file!r} matches no seed file; use 000, 001, 002, 003 or 004"
        )
    if as_json:
        rows = [
            {
                "key": e.key,
                "title": e.title,
                "seed_file": e.seed_file,
                "value": _text(e.value),
                "note": e.note,
            }
            for e in examples
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    Console(width=160).print(seeds_table(examples))
