"""Notebook extraction reads JSON only: the right cells, never executed."""

from __future__ import annotations

import json

import pytest

from cnngrade.grader.sandbox import extract_notebook_code


def _nb(*cells: tuple[str, dict]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": meta,
                    "source": src.splitlines(True),
                    "outputs": [],
                }
                for src, meta in cells
            ]
            + [{"cell_type": "markdown", "metadata": {}, "source": ["# conv2d"]}],
        }
    )


def test_picks_defining_cell_and_helpers_but_not_test_calls(tmp_path) -> None:
    marker = tmp_path / "ran"
    nb = _nb(
        ("import numpy as np\nK = 3\n", {}),
        ("def _pad(x):\n    return x\n", {}),
        (f"open({str(marker)!r}, 'w').write('x')\n", {}),
        ("def conv2d(x, w):\n    return _pad(x)\n", {}),
        ("%matplotlib inline\nprint(conv2d(1, 2))\n", {}),
    )
    code = extract_notebook_code(nb, "conv2d")
    assert "def conv2d" in code and "def _pad" in code and "K = 3" in code
    assert "open(" not in code and "print(" not in code and "%matplotlib" not in code
    assert not marker.exists()
    namespace: dict = {}
    exec(compile(code, "nb", "exec"), namespace)  # the extracted code is plain, valid Python
    assert namespace["conv2d"](5, None) == 5


def test_grade_ids_select_nbgrader_cells() -> None:
    nb = _nb(
        ("def conv2d(x, w):\n    return 1\n", {"nbgrader": {"grade_id": "other"}}),
        (
            "def conv2d(x, w):\n    return 2\n",
            {"nbgrader": {"grade_id": "conv2d-impl", "solution": True}},
        ),
    )
    code = extract_notebook_code(nb, "conv2d", grade_ids=["conv2d-impl"])
    assert "return 2" in code and "return 1" not in code
    with pytest.raises(ValueError, match="grade_ids"):
        extract_notebook_code(nb, "conv2d", grade_ids=["missing"])


def test_bad_notebooks_raise_value_error() -> None:
    with pytest.raises(ValueError, match="ipynb_text"):
        extract_notebook_code("not json", "f")
    with pytest.raises(ValueError, match="cells"):
        extract_notebook_code("{}", "f")
    with pytest.raises(ValueError, match="entry='f'"):
        extract_notebook_code(_nb(("x = 1\n", {})), "f")


def test_extracted_notebook_code_runs_in_the_sandbox() -> None:
    import numpy as np

    from cnngrade.grader.sandbox import Call, run

    nb = _nb(
        ("import numpy as np\n", {}),
        ("def corr2d(X, K):\n    return np.array([[(X[:2, :2] * K).sum()]])\n", {}),
        ("corr2d(np.ones((3, 3)), np.ones((2, 2)))\n", {}),
    )
    code = extract_notebook_code(nb, "corr2d")
    report = run(
        code, "corr2d", [Call((np.arange(9.0).reshape(3, 3), np.ones((2, 2))))], filename="hw.ipynb"
    )
    assert report.results[0].ok and report.results[0].outputs[0].tolist() == [[8.0]]


def test_answer_code_takes_the_answer_cell_and_helpers_but_not_skipped_cells() -> None:
    from cnngrade.grader.sandbox.notebook import extract_answer_code

    text = _nb(
        ("import numpy as np\n", {}),
        ("def conv2d(x):\n    return x\nconv2d(1)\n", {"nbgrader": {"grade_id": "answer"}}),
        ("def other():\n    return 1\n", {"nbgrader": {"grade_id": "other-slot"}}),
        ("def helper(v):\n    return v\n", {}),
        ("print(conv2d(3))\n", {}),
    )
    code = extract_answer_code(text, "answer", skip_ids=["other-slot", "answer"])
    assert "import numpy" in code and "conv2d(1)" in code and "def helper" in code
    assert "def other" not in code and "print(" not in code
    with pytest.raises(ValueError, match="grade_id='nope'"):
        extract_answer_code(text, "nope")
