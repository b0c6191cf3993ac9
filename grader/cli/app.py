"""The typer application every ``cnngrade`` sub-command registers on (the CLI is a thin shell)."""

import typer

app = typer.Typer(
    name="cnngrade",
    help="Randomized CNN exercises and an autograder with a PyTorch reference.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
