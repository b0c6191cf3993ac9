"""Shared by the solution tests: where the solutions are and what each wrong one deserves."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

from cnngrade.exercises.code import get
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.code import check, check_source, read_source

SOLUTIONS = Path(__file__).parents[2] / "solutions"
EXERCISE_DIRS = sorted(p for p in SOLUTIONS.iterdir() if p.is_dir() and (p / "correct.py").exists())


def folders(kind: str) -> list[Path]:
    """Solution folders of the exercises of ``kind`` ("function" or "module")."""
    return [d for d in EXERCISE_DIRS if get(d.name).kind == kind]


def wrong_files(kind: str) -> list[Path]:
    return sorted(f for d in folders(kind) for f in d.glob("wrong_*.py"))


def deserves(path: Path) -> str:
    """The ``Deserves:`` line of a solution's docstring, e.g. ``hint missing_bias``."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    found = re.search(r"^Deserves: (.+)$", doc, re.MULTILINE)
    if found is None:
        raise ValueError(f"{path} has no 'Deserves:' line in its docstring")
    return found.group(1).rstrip(".")


def feedback_lines(path: Path) -> list[str]:
    """The ``Feedback:`` lines of a wrong solution's docstring: text its feedback must contain."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    return re.findall(r"^Feedback: (.+)$", doc, re.MULTILINE)


def assert_passes(path: Path, seeds: range) -> None:
    """Full marks on the cases of every seed, all batched into ONE sandbox run."""
    exercise = get(path.parent.name)
    many = replace(
        exercise, cases=lambda rng: [c for s in seeds for c in exercise.cases(rng_for(s))]
    )
    source = read_source(path, exercise.entry)
    report = check_source(many, source, shrink_failures=False)
    assert report.passed, report.feedback()
    assert report.score == report.max_score > 0


def assert_correct_passes(folder: Path, seeds: range) -> None:
    """The instructor solution ``correct.py`` passes every seed (one sandbox run)."""
    assert_passes(folder / "correct.py", seeds)


def assert_wrong_fails_as_deserved(path: Path) -> None:
    report = check(path.parent.name, path, seed=1, shrink_failures=False)
    assert not report.passed and report.score < report.max_score, report.feedback()
    shown = "\n".join(report.feedback())
    for text in feedback_lines(path):
        assert text in shown, (text, report.feedback())
    want = deserves(path)
    notes = [h.note for h in report.hints]
    statuses = {c.status for c in report.cases}
    if want.startswith("hint "):
        assert want.split()[1] in notes, (notes, report.feedback())
    elif want.startswith("status "):
        assert want.split()[1] in statuses, report.feedback()
    else:
        raise ValueError(f"{path}: 'Deserves: {want}' must start with 'hint ' or 'status '")
