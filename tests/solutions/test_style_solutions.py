"""Student-style submissions (``solutions/styles/<exercise>/``): every ``right_*.py`` (loops, einsum,
strided views, torch tensors, nested lists, float32, no defaults, helpers; Sequential, ModuleList,
ModuleDict, functional pooling, other layer names) scores full marks on two seeds, and every
``wrong_*.py`` fails with the hint, status or feedback text its docstring names."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnngrade.exercises.code import names

from .solution_files import SOLUTIONS, assert_passes, assert_wrong_fails_as_deserved

STYLES = SOLUTIONS / "styles"
RIGHT = sorted(STYLES.glob("*/right_*.py"))
WRONG = sorted(STYLES.glob("*/wrong_*.py"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_every_exercise_has_three_right_and_two_wrong_styles() -> None:
    assert sorted(p.name for p in STYLES.iterdir() if p.is_dir()) == names()
    for name in names():
        assert len(list((STYLES / name).glob("right_*.py"))) >= 3, name
        assert len(list((STYLES / name).glob("wrong_*.py"))) >= 2, name


@pytest.mark.parametrize("path", RIGHT, ids=_id)
def test_right_style_scores_full_marks(path: Path) -> None:
    assert_passes(path, range(2))


@pytest.mark.parametrize("path", WRONG, ids=_id)
def test_wrong_style_fails_with_its_message(path: Path) -> None:
    assert_wrong_fails_as_deserved(path)
