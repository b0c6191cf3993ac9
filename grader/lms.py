"""Gradebook files an LMS imports, from a graded class folder: Canvas and Moodle CSV.

Both read ``GRADED/gradebook.csv`` (written by ``cnngrade grade``), the roster (for the LMS's own
student ids, kept in extra roster columns) and the assignment's title and points (the manifest, or
the ``class.json`` a class run writes beside the gradebook). Every text cell goes through
:func:`~cnngrade.grader.gradebook.safe_frame`, so no name or id runs as a spreadsheet formula.

Canvas — the Gradebook's "Import" takes the layout of its own export: ``Student``, ``ID``,
``SIS User ID``, ``SIS Login ID``, ``Section`` (in this order: the header check wants ``Student``
first, ``ID`` second and ``Section`` last), then one column per assignment; a column whose name is
not an existing assignment creates one, ``Name (123)`` updates assignment 123; a row whose first
cell says ``Points Possible`` gives each column's points; students are matched by ``ID`` (Canvas's
user id), else ``SIS User ID`` or ``SIS Login ID``, else by name. Checked against the importer
itself (instructure/canvas-lms, ``app/models/gradebook_importer.rb``: ``header?``,
``update_column_count``, ``check_for_non_student_row``, ``process_student``) and the instructor guide
https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
(new assignment columns create assignments; Student / ID / SIS User ID: one of them is enough).

Moodle — Grades › Import › CSV file: one column identifies the user, mapped in the import form
("Map from" this column, "Map to" ``useremail``, ``useridnumber`` or ``username``), and each further
column is mapped to a grade item (an existing one, or "new grade item"). Checked against
https://docs.moodle.org/311/en/Grade_import (and /27/, /405/: unchanged).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cnngrade.exercises.assignment import load_manifest, load_roster
from cnngrade.grader.classrun import CLASS_FILE
from cnngrade.grader.gradebook import read_gradebook, safe_frame
from cnngrade.grader.store import atomic_write_text

__all__ = [
    "CANVAS_IDS",
    "MOODLE_IDS",
    "Export",
    "canvas_gradebook",
    "moodle_grades",
    "write_export",
]

#: Canvas column <- the roster column holding it (case and spaces ignored: `SIS User ID` works)
CANVAS_IDS = {
    "ID": "canvas_id",
    "SIS User ID": "sis_user_id",
    "SIS Login ID": "sis_login_id",
}
#: roster column -> Moodle's name for the field (what "Map to" is set to in the import form)
MOODLE_IDS = {"email": "Email address", "idnumber": "ID number", "username": "Username"}
_ITEMS = ("total", "slots", "both")


@dataclass(frozen=True)
class Export:
    """A gradebook file for an LMS, and what could not go into it."""

    frame: pd.DataFrame
    #: students graded but not on the roster, or without the LMS id: not in the file
    left_out: tuple[str, ...] = ()
    #: roster students with no row in the gradebook: their grade cells are empty (not overwritten)
    ungraded: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Class:
    title: str
    slots: dict[str, float]  # slot id -> points
    book: pd.DataFrame  # indexed by student_id


def _graded(graded: Path, manifest: Path | None) -> _Class:
    path = Path(graded) / "gradebook.csv"
    if not path.is_file():
        raise ValueError(
            f"{path} not found: give the --out folder of `cnngrade grade` (it holds gradebook.csv)"
        )
    book = read_gradebook(path).set_index("student_id")
    if manifest is not None:
        assignment = load_manifest(manifest)
        title, slots = assignment.title, {s.slot: float(s.points) for s in assignment.slots}
    else:
        title, slots = _from_class_file(Path(graded))
    absent = [s for s in slots if s not in book.columns]
    if absent:
        raise ValueError(
            f"{path} has no column for slot {absent[0]!r}: it was graded from another manifest; "
            "give the manifest it was graded with (--assignment) or grade again"
        )
    return _Class(title, slots, book)


def _from_class_file(graded: Path) -> tuple[str, dict[str, float]]:
    path = graded / CLASS_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        slots = {str(s["slot"]): float(s["points"]) for s in doc["slots"]}
        return str(doc["assignment"]["title"]), slots
    except (OSError, ValueError, KeyError, TypeError):
        raise ValueError(
            f"{path} is missing or unreadable; give the manifest with --assignment MANIFEST"
        ) from None


def _roster_rows(roster: Path) -> tuple[list[dict[str, str]], list[str]]:
    """The roster's rows with every column kept (ids checked by ``load_roster``), and its header."""
    students = load_roster(roster)  # one-line errors for a bad roster (no id column, duplicates)
    text = Path(roster).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = [(c or "").strip() for c in reader.fieldnames or []]
    id_column = "id" if "id" in header else "student_id"
    rows = []
    for raw in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if row.get(id_column):
            rows.append({**row, "id": row[id_column]})
    by_id = {row["id"]: row for row in rows}
    return [by_id[s.id] for s in students], header


def _column(header: list[str], *names: str) -> str | None:
    """The first roster column named like one of ``names`` (case and spaces ignored)."""
    wanted = {n.lower().replace(" ", "_") for n in names}
    return next((c for c in header if c.lower().replace(" ", "_") in wanted), None)


def _score(book: pd.DataFrame, student: str, column: str) -> float | str:
    """A score as the LMS reads it (a number), or empty when the student has no gradebook row."""
    if student not in book.index:
        return ""
    return round(float(book.at[student, column]), 4)


def _split(book: pd.DataFrame, rows: list[dict[str, str]], has_id) -> tuple[list, tuple, tuple]:
    """Roster rows that can go into the file; graded students left out; rostered but ungraded."""
    kept = [row for row in rows if has_id(row)]
    ids = {row["id"] for row in kept}
    left_out = tuple(s for s in book.index if s not in ids)
    ungraded = tuple(row["id"] for row in kept if row["id"] not in book.index)
    return kept, left_out, ungraded


def canvas_gradebook(
    graded: str | Path,
    roster: str | Path,
    *,
    manifest: str | Path | None = None,
    column: str | None = None,
    canvas_assignment_id: int | None = None,
) -> Export:
    """The Canvas gradebook import of a graded class: one assignment column holding each total.

    Args:
        graded: the ``--out`` folder of ``cnngrade grade``.
        roster: CSV with ``id`` and at least one of ``canvas_id``, ``sis_user_id``,
            ``sis_login_id`` (``SIS User ID`` and ``SIS Login ID`` as Canvas spells them work too);
            ``name`` and ``section`` fill ``Student`` and ``Section``.
        manifest: the assignment (default: ``GRADED/class.json``).
        column: the assignment column's name (default: the assignment's title).
        canvas_assignment_id: update this Canvas assignment (the column becomes ``Name (id)``).
    """
    data = _graded(Path(graded), _opt(manifest))
    rows, header = _roster_rows(Path(roster))
    # `ID` is not accepted for canvas_id: it would be the roster's own `id` column
    sources = {canvas: _column(header, ours) for canvas, ours in CANVAS_IDS.items()}
    if not any(sources.values()):
        raise ValueError(
            f"{roster}:1: the roster has none of the columns {', '.join(CANVAS_IDS.values())} that "
            "Canvas matches students by; add one (copy it from Canvas's gradebook export)"
        )
    name_col, section_col = _column(header, "name", "student"), _column(header, "section")
    name = (column or data.title).strip() or data.title
    if canvas_assignment_id is not None:
        name = f"{name} ({int(canvas_assignment_id)})"
    kept, left_out, ungraded = _split(
        data.book, rows, lambda row: any(row.get(c or "", "") for c in sources.values())
    )
    # as in Canvas's own export, a second row gives the points a NEW assignment is worth (an
    # existing one, named by its id, keeps the points it has in Canvas)
    points = round(sum(data.slots.values()), 4)
    records = [{"Student": "Points Possible", name: points}] if canvas_assignment_id is None else []
    for row in kept:
        records.append(
            {
                "Student": row.get(name_col or "", "") or row["id"],
                **{canvas: row.get(ours or "", "") for canvas, ours in sources.items()},
                "Section": row.get(section_col or "", ""),
                name: _score(data.book, row["id"], "total"),
            }
        )
    columns = ["Student", *CANVAS_IDS, "Section", name]
    frame = pd.DataFrame(records, columns=columns).fillna("")
    return Export(safe_frame(frame), left_out, ungraded)


def moodle_grades(
    graded: str | Path,
    roster: str | Path,
    *,
    manifest: str | Path | None = None,
    id_column: str = "email",
    items: str = "both",
) -> Export:
    """The Moodle CSV grade import of a graded class: the user's identifier, then grade items.

    Args:
        graded: the ``--out`` folder of ``cnngrade grade``.
        roster: CSV with ``id`` and the ``id_column``.
        manifest: the assignment (default: ``GRADED/class.json``).
        id_column: the roster column Moodle identifies users by: ``email`` (Map to ``useremail``),
            ``idnumber`` (``useridnumber``) or ``username``.
        items: ``slots`` (one column per slot), ``total`` (one column), or ``both``.
    """
    if id_column not in MOODLE_IDS:
        raise ValueError(f"--id-column must be one of {', '.join(MOODLE_IDS)}, got {id_column!r}")
    if items not in _ITEMS:
        raise ValueError(f"--items must be one of {', '.join(_ITEMS)}, got {items!r}")
    data = _graded(Path(graded), _opt(manifest))
    rows, header = _roster_rows(Path(roster))
    source = _column(header, id_column, MOODLE_IDS[id_column])
    if source is None:
        raise ValueError(
            f"{roster}:1: the roster has no {id_column!r} column for Moodle to identify students "
            f"by (columns: {', '.join(header)}); add it, or choose --id-column "
            f"{' / '.join(MOODLE_IDS)}"
        )
    kept, left_out, ungraded = _split(data.book, rows, lambda row: bool(row.get(source)))
    slot_items = {f"{data.title}: {slot}": slot for slot in data.slots} if items != "total" else {}
    total_item = {data.title: "total"} if items != "slots" else {}
    grade_items = {**slot_items, **total_item}
    records = [
        {
            MOODLE_IDS[id_column]: row[source],
            **{item: _score(data.book, row["id"], col) for item, col in grade_items.items()},
        }
        for row in kept
    ]
    frame = pd.DataFrame(records, columns=[MOODLE_IDS[id_column], *grade_items])
    return Export(safe_frame(frame), left_out, ungraded)


def write_export(export: Export, path: str | Path) -> Path:
    """Write the file atomically (UTF-8, comma-separated, quoted where needed)."""
    path = Path(path)
    atomic_write_text(path, export.frame.to_csv(index=False))
    return path


def _opt(path: str | Path | None) -> Path | None:
    return None if path is None else Path(path)
