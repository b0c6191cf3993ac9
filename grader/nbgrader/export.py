"""``nbgrader export`` with one column per cnngrade slot: one row per student and assignment.

Columns: nbgrader's own (``assignment, duedate, timestamp, student_id, last_name, first_name, email,
raw_score, late_submission_penalty, score, max_score``), then one per tagged slot of any exported
assignment (the slot's grade cells' score; empty when the student has no submission, or the cell
still waits for a manual grade). Slot tags are read from the instructor's source notebooks. Every
text cell goes through ``for_csv`` (names and ids are not trusted).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins.export import ExportPlugin

from cnngrade.grader.nbgrader.tags import slot_cells

__all__ = ["NBGRADER_COLUMNS", "SlotExportPlugin", "slot_columns"]

NBGRADER_COLUMNS = (
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
    "raw_score", "late_submission_penalty", "score", "max_score",
)  # fmt: skip


def slot_columns(source_folder: Path) -> dict[str, list[tuple[str, str]]]:
    """``{slot: [(notebook, grade cell id), ...]}`` from an assignment's source notebooks."""
    columns: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(source_folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for slot, cells in slot_cells(nb).items():
            if cells.grade is not None:
                columns.setdefault(slot, []).append((path.stem, cells.grade))
    return columns


def _columns(coursedir: Any, assignment: str) -> dict[str, list[tuple[str, str]]]:
    """An assignment's slot columns from its source notebooks, else from its released ones."""
    for step in (coursedir.source_directory, coursedir.release_directory):
        folder = Path(coursedir.format_path(step, ".", assignment))
        if any(folder.glob("*.ipynb")):
            return slot_columns(folder)
    return {}


def _text(value: Any) -> Any:
    from cnngrade.grader.neutralize import for_csv

    if value is None:
        return ""
    return for_csv(value) if isinstance(value, str) else value


class SlotExportPlugin(ExportPlugin):
    """nbgrader's CSV export plus one column per cnngrade slot."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        coursedir = getattr(self.parent, "coursedir", None) or CourseDirectory(parent=self)
        wanted_a = {str(a) for a in self.assignment}
        wanted_s = {str(s) for s in self.student}
        assignments = [a for a in gradebook.assignments if not wanted_a or a.name in wanted_a]
        per_assignment = {a.name: _columns(coursedir, a.name) for a in assignments}
        slots = list(dict.fromkeys(s for cols in per_assignment.values() for s in cols))
        self.log.info("Exporting grades with %d cnngrade slot columns to %s", len(slots), dest)
        with open(dest, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow([*NBGRADER_COLUMNS, *slots])
            for a in assignments:
                for student in gradebook.students:
                    if wanted_s and student.id not in wanted_s:
                        continue
                    row = self._row(gradebook, a, student, per_assignment[a.name], slots)
                    out.writerow([_text(v) for v in row])

    def _row(self, gb: Gradebook, a: Any, student: Any, columns: dict, slots: list[str]) -> list:
        base = {"assignment": a.name, "duedate": a.duedate, "student_id": student.id,
                "last_name": student.last_name, "first_name": student.first_name,
                "email": student.email, "max_score": a.max_score}  # fmt: skip
        try:
            submission = gb.find_submission(a.name, student.id)
        except MissingEntry:
            base.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
            return [base[k] for k in NBGRADER_COLUMNS] + [""] * len(slots)
        penalty = submission.late_submission_penalty or 0.0
        base.update(timestamp=submission.timestamp, raw_score=submission.score,
                    late_submission_penalty=penalty, score=max(0.0, submission.score - penalty))  # fmt: skip
        return [base[k] for k in NBGRADER_COLUMNS] + [
            self._slot_score(gb, a.name, student.id, columns.get(s)) for s in slots
        ]

    @staticmethod
    def _slot_score(gb: Gradebook, assignment: str, student: str, cells: Any) -> Any:
        if not cells:
            return ""
        total = 0.0
        for notebook, grade_id in cells:
            try:
                grade = gb.find_grade(grade_id, notebook, assignment, student)
            except MissingEntry:
                return ""
            if grade.auto_score is None and grade.manual_score is None:
                return ""  # waits for a manual grade
            total += float(grade.score)
        return round(total, 6)
