"""The slot-column export: nbgrader's columns, one per tagged slot, spreadsheet-safe cells."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook
from nbgrader.api import Gradebook
from traitlets.config import Config

from cnngrade.grader.nbgrader.export import NBGRADER_COLUMNS, SlotExportPlugin, slot_columns


def _source(folder):
    folder.mkdir(parents=True)
    answer = {"grade_id": "a", "solution": True, "grade": True, "points": 2}
    cells = [
        new_markdown_cell("x", metadata={"cnngrade": {"slot": "find_stride.1"}, "nbgrader": answer})
    ]
    nbformat.write(new_notebook(cells=cells), folder / "ps1.ipynb")


def test_slot_columns_come_from_the_source_notebooks(tmp_path):
    _source(tmp_path / "source" / "ps1")
    assert slot_columns(tmp_path / "source" / "ps1") == {"find_stride.1": [("ps1", "a")]}


def test_export_row_per_student_and_formula_cells_neutralized(tmp_path, monkeypatch):
    # nbgrader runs `alembic` from PATH to create gradebook.db: the venv's bin must be on it
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    _source(tmp_path / "source" / "ps1")
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(db) as gb:
        gb.add_assignment("ps1")
        gb.add_student('=HYPERLINK("http://evil.example")', first_name="@SUM(A1)")
        gb.add_student("s01")
    c = Config()
    c.CourseDirectory.root = str(tmp_path)
    plugin = SlotExportPlugin(config=c)
    plugin.to = str(tmp_path / "grades.csv")
    with Gradebook(db) as gb:
        plugin.export(gb)
    with open(tmp_path / "grades.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [*NBGRADER_COLUMNS, "find_stride.1"]
    assert len(rows) == 3
    hostile = next(r for r in rows[1:] if "HYPERLINK" in r[3])
    assert hostile[3].startswith("'=") and hostile[5].startswith("'@")
    assert hostile[-1] == ""  # no submission: no slot score
