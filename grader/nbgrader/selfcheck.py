"""A student's self-check from inside their notebook: ``check("conv2d.1")`` in a cell.

The code is found in the running notebook (the kernel's input history: the cells that define the
exercise's function or class, and the import and helper cells), then run in cnngrade's sandbox on the
PUBLIC cases - the same as ``cnngrade check EXERCISE notebook.ipynb`` (seed 0 unless given), never the
graded ones. The sandbox keeps a warm worker in the kernel, so after the first call a check answers in
well under a second. While nbgrader itself runs the notebook (autograde, validate) a check does nothing:
the grade comes from cnngrade's own grading step.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["check", "self_check", "strip_self_checks"]

_NOT_CODE = (
    "{slot!r} is a typed-answer slot: check() runs code exercises; check a typed answer with "
    "`cnngrade check-answer`"
)


# the self-check line (and its parts on their own lines): never part of the code that is graded
_SELF_CHECK_LINE = re.compile(
    r"^(from\s+cnngrade\.grader\.nbgrader\s+import\s+check\b.*|check\(.*\)\s*;?\s*)$", re.M
)


def strip_self_checks(source: str) -> str:
    """``source`` without top-level self-check lines (the sandbox could not import cnngrade).

    >>> strip_self_checks('import numpy as np\\nfrom cnngrade.grader.nbgrader import check; check("conv2d.1")')
    'import numpy as np\\n'
    """
    return _SELF_CHECK_LINE.sub("", source)


def _exercise(slot: str) -> Any:
    """The code exercise of a slot id (``conv2d.1``) or a bare exercise id (``conv2d``)."""
    from cnngrade.exercises import registry
    from cnngrade.exercises.code import get, names

    slot = str(slot).strip()
    base = slot.rsplit(".", 1)[0] if slot.rsplit(".", 1)[-1].isdigit() else slot
    if base in names():
        return get(base)
    if base in registry.names():
        raise ValueError(_NOT_CODE.format(slot=slot))
    return get(base)  # its ValueError names the known exercises


def self_check(slot: str, cells: Sequence[str], *, lang: str = "en", seed: int = 0) -> Any:
    """The CodeReport of the code in ``cells`` (sources in run order) for ``slot``'s exercise."""
    from cnngrade.grader.code import check_source
    from cnngrade.grader.sandbox.notebook import extract_notebook_code

    exercise = _exercise(slot)
    sources = (strip_self_checks(c) for c in cells if isinstance(c, str))
    unique = list(dict.fromkeys(c for c in sources if c.strip()))
    nb = {
        "nbformat": 4,
        "cells": [{"cell_type": "code", "metadata": {}, "source": c} for c in unique],
    }
    try:
        source = extract_notebook_code(json.dumps(nb), exercise.entry)
    except ValueError:
        raise ValueError(
            f"no cell you ran defines {exercise.entry!r}: run the cell with your "
            f"{exercise.entry} first, then check again"
        ) from None
    return check_source(exercise, source, seed=seed, lang=lang, filename="notebook.py")


def _history() -> list[str]:
    """The cells this kernel ran, oldest first, without the running one."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None  # noqa: N806
    shell = get_ipython() if get_ipython else None
    if shell is None:
        raise ValueError(
            "check() works inside a Jupyter notebook; from a terminal run "
            "`cnngrade check EXERCISE FILE`"
        )
    return list(shell.user_ns.get("In", []))[:-1]


def check(slot: str, *, lang: str = "en", seed: int = 0) -> None:
    """Self-check the code for ``slot`` (e.g. ``"conv2d.1"``) on public cases; prints the report."""
    from cnngrade.grader.neutralize import for_terminal

    if os.environ.get(
        "NBGRADER_EXECUTION"
    ):  # nbgrader's autograde/validate kernel: grading decides
        print(f"cnngrade: self-check skipped while nbgrader runs the notebook ({slot})")
        return
    try:
        report = self_check(slot, _history(), lang=lang, seed=seed)
    except ValueError as exc:
        print(f"cnngrade: {for_terminal(exc)}")
        return
    except Exception as exc:  # the sandbox could not run here: one line, never a traceback
        print(f"cnngrade: the self-check could not run ({for_terminal(type(exc).__name__)}: "
              f"{for_terminal(exc)}); ask your instructor")  # fmt: skip
        return
    head = "得分" if lang == "zh" else "score"
    lines = [
        f"{report.exercise}: {head} {report.score:g} / {report.max_score:g}",
        *report.feedback(),
    ]
    print("\n".join(for_terminal(line) for line in lines))
