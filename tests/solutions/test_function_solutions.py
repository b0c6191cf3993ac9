"""Function exercises: every instructor solution passes on eight seeds; every wrong one fails with
the hint or status its docstring's ``Deserves:`` line names."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnngrade.exercises.code import names

from .solution_files import (
    EXERCISE_DIRS,
    assert_correct_passes,
    assert_wrong_fails_as_deserved,
    folders,
    wrong_files,
)


def test_every_exercise_has_a_correct_and_two_wrong_solutions() -> None:
    assert sorted(d.name for d in EXERCISE_DIRS) == names()
    for d in EXERCISE_DIRS:
        assert len(list(d.glob("wrong_*.py"))) >= 2, d.name


@pytest.mark.parametrize("folder", folders("function"), ids=lambda p: p.name)
def test_instructor_solution_passes_on_many_seeds(folder: Path) -> None:
    assert_correct_passes(folder, range(8))


@pytest.mark.parametrize("path", wrong_files("function"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_solution_fails_with_its_message(path: Path) -> None:
    assert_wrong_fails_as_deserved(path)
