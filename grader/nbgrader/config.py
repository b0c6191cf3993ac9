"""nbgrader settings that put cnngrade into a course: called from the course's ``nbgrader_config.py``.

The order constraints (nbgrader runs preprocessors in list order):

- ``RestorePrompts`` right before ``OverwriteCells`` (its change report then names only real edits);
- ``PersonalizePrompts`` right after ``OverwriteCells`` (which resets locked prompts to the shared
  text) in autograde's sanitizing pass;
- ``GradeCnngradeCells`` right after ``SaveAutoGrades`` (which writes the kernel's grades and flags
  Markdown answers for manual grading) in autograde's grading pass;
- ``CheckCnngradeTags`` last in ``generate_assignment``.

The instructor's own lists (set earlier in the config file) are kept; cnngrade's steps are added once.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FETCH_CLASS", "EXPORT_CLASS", "configure", "with_step"]

_PP = "cnngrade.grader.nbgrader.preprocessors"
FETCH_CLASS = "cnngrade.grader.nbgrader.personalize.PersonalizedFetchAssignment"
EXPORT_CLASS = "cnngrade.grader.nbgrader.export.SlotExportPlugin"


def _name(step: Any) -> str:
    return step.__name__ if isinstance(step, type) else str(step).rsplit(".", 1)[-1]


def with_step(
    steps: list, step: str, *, after: str | None = None, before: str | None = None
) -> list:
    """``steps`` with ``step`` (a dotted name) once: after the step named ``after`` (or before
    ``before``), else at the end.

    >>> with_step(["A", "pkg.B", "C"], "x.New", after="B")
    ['A', 'pkg.B', 'x.New', 'C']
    >>> with_step(["A", "pkg.B"], "x.Old", before="B")
    ['A', 'x.Old', 'pkg.B']
    >>> with_step(["A", "x.New"], "x.New", after="A")
    ['A', 'x.New']
    """
    names = [_name(s) for s in steps]
    if _name(step) in names:
        return list(steps)
    if after in names:
        at = names.index(after) + 1
    elif before in names:
        at = names.index(before)
    else:
        at = len(steps)
    return [*steps[:at], step, *steps[at:]]


def _current(section: Any, cls: Any, trait: str) -> list:
    """The list the config already sets, else the trait's default."""
    if trait in section:
        return list(section[trait])
    return list(cls.class_traits()[trait].default())


def configure(c: Any) -> None:
    """Add cnngrade to an nbgrader config object ``c`` (idempotent)."""
    from nbgrader.converters import Autograde, GenerateAssignment

    sanitize = with_step(
        _current(c.Autograde, Autograde, "sanitize_preprocessors"),
        f"{_PP}.RestorePrompts",
        before="OverwriteCells",
    )
    c.Autograde.sanitize_preprocessors = with_step(
        sanitize, f"{_PP}.PersonalizePrompts", after="OverwriteCells"
    )
    c.Autograde.autograde_preprocessors = with_step(
        _current(c.Autograde, Autograde, "autograde_preprocessors"),
        f"{_PP}.GradeCnngradeCells",
        after="SaveAutoGrades",
    )
    c.GenerateAssignment.preprocessors = with_step(
        _current(c.GenerateAssignment, GenerateAssignment, "preprocessors"),
        f"{_PP}.CheckCnngradeTags",
        after=None,
    )
    c.ExchangeFactory.fetch_assignment = FETCH_CLASS
    c.ExportApp.plugin_class = EXPORT_CLASS
