"""Module exercises: the instructor module passes; each wrong module fails as its docstring says."""

from __future__ import annotations

from pathlib import Path

import pytest

from .solution_files import (
    assert_correct_passes,
    assert_wrong_fails_as_deserved,
    folders,
    wrong_files,
)


@pytest.mark.parametrize("folder", folders("module"), ids=lambda p: p.name)
def test_instructor_module_passes(folder: Path) -> None:
    assert_correct_passes(folder, range(2))


@pytest.mark.parametrize("path", wrong_files("module"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_module_fails_with_its_message(path: Path) -> None:
    assert_wrong_fails_as_deserved(path)
