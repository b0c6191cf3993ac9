"""cnngrade's steps go into nbgrader's lists at the places the order constraints need."""

from __future__ import annotations

from nbgrader.converters import Autograde, GenerateAssignment
from traitlets.config import Config

from cnngrade.grader.nbgrader.config import configure, with_step


def _names(steps):
    return [s.__name__ if isinstance(s, type) else str(s).rsplit(".", 1)[-1] for s in steps]


def test_steps_follow_overwrite_cells_and_save_auto_grades():
    c = Config()
    configure(c)
    sanitize = _names(c.Autograde.sanitize_preprocessors)
    at = sanitize.index("OverwriteCells")
    assert sanitize[at - 1 : at + 2] == ["RestorePrompts", "OverwriteCells", "PersonalizePrompts"]
    grading = _names(c.Autograde.autograde_preprocessors)
    assert grading[grading.index("SaveAutoGrades") + 1] == "GradeCnngradeCells"
    assert _names(c.GenerateAssignment.preprocessors)[-1] == "CheckCnngradeTags"
    # nbgrader's own steps are all still there, in their order
    assert [n for n in grading if n != "GradeCnngradeCells"] == _names(
        Autograde.class_traits()["autograde_preprocessors"].default()
    )
    assert len(_names(c.GenerateAssignment.preprocessors)) == 1 + len(
        GenerateAssignment.class_traits()["preprocessors"].default()
    )


def test_configure_twice_adds_nothing():
    c = Config()
    configure(c)
    once = list(c.Autograde.autograde_preprocessors)
    configure(c)
    assert list(c.Autograde.autograde_preprocessors) == once


def test_with_step_appends_when_the_anchor_is_missing():
    assert with_step(["A"], "x.New", after="Missing") == ["A", "x.New"]
