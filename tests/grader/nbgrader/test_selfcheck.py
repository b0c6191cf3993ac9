"""The one-line self-check: the code the kernel ran, public cases, in the sandbox."""

from __future__ import annotations

import pytest

from cnngrade.grader.nbgrader import check
from cnngrade.grader.nbgrader.selfcheck import self_check
from tests.grader.nbgrader.course import CORRECT, NO_BIAS


def test_self_check_grades_the_latest_definition_with_its_helpers():
    cells = [
        "import numpy as np",
        NO_BIAS,
        "conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 1, 1)))",
        CORRECT,
    ]
    report = self_check("conv2d.1", cells)
    assert report.score == report.max_score
    partial = self_check("conv2d", ["import numpy as np", NO_BIAS])
    assert 0 < partial.score < partial.max_score
    assert any("bias" in line for line in partial.feedback())


def test_self_check_uses_the_public_cases_of_cnngrade_check():
    from cnngrade.exercises.code import get
    from cnngrade.exercises.seeding import rng_for

    report = self_check("conv2d.1", [CORRECT], seed=0)
    public = [c.params for c in get("conv2d").cases(rng_for(0))]
    assert [c.params for c in report.cases] == public


@pytest.mark.parametrize(
    ("slot", "cells", "message"),
    [
        ("conv2d.1", ["x = 1"], "no cell you ran defines 'conv2d'"),
        ("find_stride.1", [CORRECT], "typed-answer slot"),
        ("nope.1", [CORRECT], "unknown code exercise"),
    ],
)
def test_self_check_errors_say_what_to_do(slot, cells, message):
    with pytest.raises(ValueError, match=message):
        self_check(slot, cells)


def test_check_outside_a_notebook_prints_one_line(capsys):
    check("conv2d.1")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "works inside a Jupyter notebook" in out


def test_check_in_a_running_kernel(tmp_path):
    """A real kernel: the check line answers with the score; the later call reuses the warm worker."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    line = 'from cnngrade.grader.nbgrader import check; check("conv2d.1")'
    timed = "import time; t = time.perf_counter(); check('conv2d.1'); print(f'took {time.perf_counter() - t:.2f} s')"
    nb = new_notebook(cells=[new_code_cell(NO_BIAS), new_code_cell(line), new_code_cell(CORRECT),
                             new_code_cell(timed)])  # fmt: skip
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    first = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    second = "".join(o.get("text", "") for o in nb.cells[3].outputs)
    assert "conv2d: score" in first and "/ 8" in first and "Hint" in first
    assert "conv2d: score 8 / 8" in second
    print(second.splitlines()[-1])  # the warm call's time, for the record (no timing assertion)


def test_self_check_lines_are_not_part_of_the_checked_code():
    import_cell = "from cnngrade.grader.nbgrader import check"
    report = self_check("conv2d.1", [import_cell, CORRECT + '\ncheck("conv2d.1")'])
    assert report.score == report.max_score


def test_check_is_quiet_while_nbgrader_runs_the_notebook(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    check("conv2d.1")
    assert "skipped while nbgrader runs the notebook" in capsys.readouterr().out


def test_a_sandbox_that_cannot_run_is_one_line(monkeypatch, capsys):
    from cnngrade.grader.nbgrader import selfcheck
    from cnngrade.grader.sandbox import WorkerError

    def broken(*args, **kwargs):
        raise WorkerError("the sandbox worker did not start")

    monkeypatch.setattr(selfcheck, "_history", lambda: [CORRECT])
    monkeypatch.setattr(selfcheck, "self_check", broken)
    check("conv2d.1")
    out = capsys.readouterr().out
    assert (
        out.count("\n") == 1
        and "could not run (WorkerError: the sandbox worker did not start)" in out
    )
