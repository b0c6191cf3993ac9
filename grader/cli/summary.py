"""``cnngrade summary MODEL --input 1,3,224,224``: per-layer shapes, parameters, MACs, receptive fields.

A thin shell over :func:`reference.analysis.summary.summarize` and the zoo registry
(:func:`reference.models.get`); ``--format csv|json`` for machines, a rich table for people.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
import yaml

from cnngrade.grader.cli.app import app
from cnngrade.grader.neutralize import for_rich

FORMATS = ("table", "csv", "json")


def parse_shape(text: str) -> tuple[int, ...]:
    """``"1,3,224,224"`` (or ``1x3x224x224``) → ``(1, 3, 224, 224)``.

    >>> parse_shape("1, 3, 32, 32")
    (1, 3, 32, 32)
    """
    parts = [p.strip() for p in text.replace("x", ",").split(",") if p.strip()]
    try:
        shape = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(
            f"--input must be comma-separated positive ints like 1,3,224,224, got {text!r}"
        ) from None
    if not shape or any(n < 1 for n in shape):
        raise ValueError(
            f"--input must be comma-separated positive ints like 1,3,224,224, got {text!r}"
        )
    return shape


def parse_options(items: list[str]) -> dict[str, Any]:
    """``["num_classes=10", "aux_logits=true"]`` → ``{"num_classes": 10, "aux_logits": True}``.

    >>> parse_options(["num_classes=10", "width_multiplier=0.5"])
    {'num_classes': 10, 'width_multiplier': 0.5}
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(
                f"--option must look like KEY=VALUE (e.g. num_classes=10), got {item!r}"
            )
        out[key.strip()] = yaml.safe_load(value)
    return out


def default_shape(model_options: dict[str, Any], chosen: dict[str, Any]) -> tuple[int, ...]:
    """``(1, in_channels, image_size, image_size)`` from the model's options (224 if it has none).

    >>> default_shape({"in_channels": 1, "image_size": 28}, {})
    (1, 1, 28, 28)
    """
    merged = {**model_options, **chosen}
    side = int(merged.get("image_size") or 224)
    return (1, int(merged.get("in_channels", 3)), side, side)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return (
            "×".join(_cell(v) for v in value)
            if all(isinstance(v, int) for v in value)
            else str(value)
        )
    return str(value)


def _print_table(df: Any, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in df.columns:
        table.add_column(
            column, justify="right" if column in ("parameters", "macs") else "left", no_wrap=True
        )
    for row in df.itertuples(index=False):
        table.add_row(*(for_rich(_cell(v)) for v in row))  # layer names and reprs are not markup
    console = Console()
    Console(width=max(console.width, 160) if not console.is_terminal else None).print(table)
    totals = df.attrs["totals"]
    typer.echo(
        f"total parameters {totals['parameters']:,} (declared {totals['declared_parameters']:,}), "
        f"MACs {totals['macs']:,} (conv + linear only {totals['macs_conv_linear']:,}), "
        f"output {totals['output_shape']}"
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value.item() if hasattr(value, "item") else value


@app.command("summary")
def summary_cmd(
    model: Annotated[str, typer.Argument(help="a zoo model name, e.g. resnet50 (see --list)")] = "",
    input: Annotated[str, typer.Option("--input", help="input shape, e.g. 1,3,224,224")] = "",
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    device: Annotated[
        str, typer.Option("--device", help="cpu or cuda (default: CNNGRADE_DEVICE)")
    ] = "",
    option: Annotated[
        list[str], typer.Option("--option", "-o", help="model option KEY=VALUE, repeatable")
    ] = [],  # noqa: B006
    list_all: Annotated[bool, typer.Option("--list", help="list the model names and exit")] = False,
) -> None:
    """Summarize a zoo model layer by layer from a traced forward pass."""
    from cnngrade.reference.analysis.summary import summarize
    from cnngrade.reference.models import get, names, options

    if list_all:
        typer.echo("\n".join(names()))
        return
    if not model:
        raise ValueError(
            "summary needs a MODEL name, e.g. `cnngrade summary resnet50 --input 1,3,224,224`"
        )
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    chosen = parse_options(option)
    net = get(model, **chosen)
    shape = parse_shape(input) if input else default_shape(options(model), chosen)
    df = summarize(net, shape, device=device or None)
    if fmt == "csv":
        typer.echo(df.to_csv(index=False), nl=False)
    elif fmt == "json":
        rows = [{k: _json_value(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
        totals = {k: _json_value(v) for k, v in df.attrs["totals"].items()}
        typer.echo(
            json.dumps(
                {"model": model, "input": list(shape), "layers": rows, "totals": totals}, indent=1
            )
        )
    else:
        _print_table(df, f"{model} {tuple(shape)}")
