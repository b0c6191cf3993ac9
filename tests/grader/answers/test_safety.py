"""Hostile and absurd inputs give format findings, finish fast and never execute anything."""

from __future__ import annotations

import os
import time

import pytest

from cnngrade.exercises.core import AnswerSpec, Problem, Text
from cnngrade.grader.answers import grade_answer

from .notations import hostile_inputs

SPECS = [
    AnswerSpec("integer", units=True),
    AnswerSpec("number", rtol=1e-3),
    AnswerSpec("shape", partial="per_dimension"),
    AnswerSpec("int_matrix", partial="per_element"),
    AnswerSpec("matrix", rtol=1e-3),
    AnswerSpec("symbolic", symbols=(("n", "positive_integer"), ("k", "positive_integer"))),
    AnswerSpec("choice", choices=(Text("a", "甲"), Text("b", "乙"))),
]
KEYS = {
    "integer": 3,
    "number": 0.5,
    "shape": [1, 2],
    "int_matrix": [[1]],
    "matrix": [[0.5]],
    "symbolic": "n + k",
    "choice": 0,
}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.kind)
def test_attacks_are_format_findings_and_run_nothing(spec, tmp_path):
    marker = tmp_path / "pwned"
    problem = Problem("adhoc", "adhoc.1", 3, 1, "en", {}, "?", KEYS[spec.kind], spec, "", {}, 1.0)
    for raw in hostile_inputs(marker):
        start = time.perf_counter()
        verdict = grade_answer(problem, raw)
        elapsed = time.perf_counter() - start
        finding = verdict.findings[0]
        assert finding.kind == "format", (raw, finding)
        assert not verdict.counts_attempt
        assert verdict.score == 0.0
        assert elapsed < 2.0, (raw[:40] if isinstance(raw, str) else raw, elapsed)
        assert not marker.exists()
    assert not os.path.exists("/tmp/pwned")
