"""Entry point of the ``cnngrade`` console script: imports each command module, then runs the app."""

from __future__ import annotations

import sys

# Each command module registers its sub-commands on `app` when imported (one line per module).
import cnngrade.grader.cli.check_cmd  # noqa: F401
import cnngrade.grader.cli.exercises_cmds  # noqa: F401
import cnngrade.grader.cli.export_cmds  # noqa: F401
import cnngrade.grader.cli.grade_cmds  # noqa: F401
import cnngrade.grader.cli.gradescope_cmd  # noqa: F401
import cnngrade.grader.cli.nbgrader_cmd  # noqa: F401
import cnngrade.grader.cli.report_cmd  # noqa: F401
import cnngrade.grader.cli.seeds  # noqa: F401
import cnngrade.grader.cli.summary  # noqa: F401
from cnngrade.grader.cli.app import app
from cnngrade.grader.neutralize import for_terminal


def main() -> None:
    """Run the CLI; a ValueError (bad input) becomes a one-line error and exit status 2."""
    try:
        app()
    except ValueError as exc:
        # the message may quote a file name or text a student chose: shown with escapes visible
        print(f"cnngrade: error: {for_terminal(exc)}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
