"""Module corpora under a narrowed convention (a manifest's ``convention:``):
``solutions/styles/<exercise>/<convention>/wrong_*.py`` pass under the exercise's default set of
conventions but fail once the slot accepts only ``<convention>``, with the message they deserve."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnngrade.exercises.code import get
from cnngrade.grader.code import check

from .solution_files import SOLUTIONS, deserves, feedback_lines

NARROWED = sorted(p for p in (SOLUTIONS / "styles").glob("*/*/wrong_*.py"))


def test_every_convention_folder_names_an_offered_convention() -> None:
    assert len(NARROWED) >= 4
    for path in NARROWED:
        assert path.parent.name in get(path.parent.parent.name).conventions, path


@pytest.mark.parametrize(
    "path", NARROWED, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.stem}"
)
def test_right_under_all_conventions_wrong_under_the_narrowed_one(path: Path) -> None:
    exercise = path.parent.parent.name
    assert check(exercise, path, seed=1, shrink_failures=False).passed
    report = check(f"{exercise}:{path.parent.name}", path, seed=1, shrink_failures=False)
    assert not report.passed, report.feedback()
    shown = "\n".join(report.feedback())
    for text in feedback_lines(path):
        assert text in shown, (text, report.feedback())
    assert deserves(path).split()[1] in {c.status for c in report.cases}
