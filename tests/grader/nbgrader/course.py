"""A small nbgrader course for the tests: a manifest, a tagged source notebook, three students' work.

The recipe's commands are read from README.md (section "nbgrader") and run in-process with nbgrader's
own app (as nbgrader's test-suite does), so what the README says is what the tests run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[3]
ASSIGNMENT = "ps1"
COURSE_ID = "dl101"
MANIFEST = """id: ps1  # private note: never released
title: Convolutions
language: en
exercises:
  - {id: conv_output_shape, points: 2}
  - {id: conv2d}
"""
SHAPE, CONV = "conv_output_shape.1", "conv2d.1"
CORRECT = (ROOT / "examples/code/conv2d_correct.py").read_text()
NO_BIAS = (ROOT / "solutions/conv2d/wrong_missing_bias.py").read_text()
# torch's own convolution, imported inside the function as students often do (so the kernel that
# nbgrader runs never loads torch: the test stays quick)
F_CONV = """import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    import torch
    import torch.nn.functional as F

    b = None if bias is None else torch.from_numpy(bias)
    out = F.conv2d(torch.from_numpy(x), torch.from_numpy(weight), b, stride, padding, dilation, groups)
    return out.numpy()
"""


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}  # fmt: skip
    if points is not None:
        meta["points"] = points
    return meta


def _tag(slot: str) -> dict:
    return {"slot": slot}


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's notebook: a typed answer, a code exercise, and an untagged nbgrader test."""
    cells = [
        new_markdown_cell("# Problem set 1"),
        new_markdown_cell(
            "Your own problem appears here when you fetch the assignment.",
            metadata={"nbgrader": _nbgrader("prompt-shape", locked=True), "cnngrade": _tag(SHAPE)},
        ),
        new_markdown_cell(
            "(1, 1, 1, 1)",
            metadata={
                "nbgrader": _nbgrader("answer-shape", grade=True, solution=True, points=2),
                "cnngrade": _tag(SHAPE),
            },  # fmt: skip
        ),
        new_markdown_cell("Your code task appears here.", metadata={"cnngrade": _tag(CONV)}),
        new_code_cell("import numpy as np"),
        new_code_cell(
            "### BEGIN SOLUTION\n" + CORRECT + "\n### END SOLUTION",
            metadata={"nbgrader": _nbgrader("conv2d-code", solution=True), "cnngrade": _tag(CONV)},
        ),
        new_code_cell(
            "# graded by cnngrade in its sandbox",
            metadata={
                "nbgrader": _nbgrader("conv2d-tests", grade=True, locked=True, points=4),
                "cnngrade": _tag(CONV),
            },  # fmt: skip
        ),
        new_code_cell(
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            metadata={"nbgrader": _nbgrader("double", solution=True)},
        ),
        new_code_cell(
            "assert double(3) == 6",
            metadata={"nbgrader": _nbgrader("test-double", grade=True, locked=True, points=1)},
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def recipe() -> list[str]:
    """The command lines of README's nbgrader recipe, comments kept (they name who runs what)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- nbgrader-recipe -->\n```bash\n(.*?)```", text, re.S)
    if match is None:
        raise AssertionError("README.md has no nbgrader recipe block")
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


@contextlib.contextmanager
def _environment(cwd: Path, env: dict[str, str]):
    old_env, old_cwd = os.environ.copy(), Path.cwd()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


def run_nbgrader(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run ``nbgrader ARGS`` in this process (nbgrader's own test helper does the same); its log."""
    from jupyter_core.application import NoStart
    from nbgrader.apps import NbGraderApp
    from nbgrader.validator import Validator

    app = NbGraderApp.instance()
    log, out = io.StringIO(), io.StringIO()
    old_stdout, old_stderr, Validator.stream = sys.stdout, sys.stderr, out
    code = 0
    with _environment(cwd, env):
        try:
            sys.stdout, sys.stderr = out, log  # the apps' log handlers write to sys.stderr
            app.initialize(args)
            app.start()
        except NoStart:
            pass
        except SystemExit as exc:
            code = exc.code or 0
        finally:
            sys.stdout, sys.stderr, Validator.stream = old_stdout, old_stderr, old_stdout
            app.reset()
            NbGraderApp.clear_instance()
    text = log.getvalue() + out.getvalue()
    if code:
        raise AssertionError(f"nbgrader {' '.join(args)} exited {code}:\n{text}")
    return text


def run_cnngrade(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    from typer.testing import CliRunner

    import cnngrade.grader.cli.main  # noqa: F401  (registers every command)
    from cnngrade.grader.cli.app import app

    with _environment(cwd, env):
        result = CliRunner().invoke(app, args)
    if result.exit_code:
        raise AssertionError(
            f"cnngrade {' '.join(args)} exited {result.exit_code}:\n{result.output}"
        )
    return result.output
