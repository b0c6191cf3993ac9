"""Every instructor solution passes on many seeds; every wrong one fails with the message it deserves.

Each wrong solution's docstring has a ``Deserves:`` line: ``hint NOTE`` (that hint must be given),
``status STATUS`` (some case must fail with that status) or free text (it must simply fail).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from exercises.code import names
from grader.code import check

SOLUTIONS = Path(__file__).parents[2] / "solutions"
EXERCISE_DIRS = sorted(p for p in SOLUTIONS.iterdir() if p.is_dir() and (p / "correct.py").exists())
WRONG = sorted(f for d in EXERCISE_DIRS for f in d.glob("wrong_*.py"))


def _deserves(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    found = re.search(r"^Deserves: (.+)$", doc, re.MULTILINE)
    if found is None:
        raise ValueError(f"{path} has no 'Deserves:' line in its docstring")
    return found.group(1)


def test_every_exercise_has_solutions() -> None:
    assert sorted(d.name for d in EXERCISE_DIRS) == names()
    for d in EXERCISE_DIRS:
        assert len(list(d.glob("wrong_*.py"))) >= 2, d.name


@pytest.mark.parametrize("folder", EXERCISE_DIRS, ids=lambda p: p.name)
def test_instructor_solution_passes_on_many_seeds(folder: Path) -> None:
    for seed in range(3):
        report = check(folder.name, folder / "correct.py", seed=seed, shrink_failures=False)
        assert report.passed, (seed, report.feedback())
        assert report.score == report.max_score > 0


@pytest.mark.parametrize("path", WRONG, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_solution_fails_with_its_message(path: Path) -> None:
    report = check(path.parent.name, path, seed=1, shrink_failures=False)
    assert not report.passed and report.score < report.max_score
    deserves = _deserves(path).rstrip(".")
    notes = [h.note for h in report.hints]
    if deserves.startswith("hint "):
        assert deserves.split()[1] in notes, (notes, report.feedback())
    if deserves.startswith("status "):
        assert deserves.split()[1] in {c.status for c in report.cases}, report.feedback()
