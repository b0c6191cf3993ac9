"""The gradebook: one row per student, one column per slot, then ``total`` and ``max``.

Built from the stored results (never appended to), so a resumed or repeated run gives the same file
with exactly one row per student. A slot a student has no verdict for scores 0.

Student ids are folder names a student chose, so every text cell (and header) is written through
:func:`cnngrade.grader.neutralize.for_csv`: a cell starting with ``= + - @``, tab or CR gets a leading
``'`` and no spreadsheet runs it as a formula; control characters are shown escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.neutralize import for_csv
from cnngrade.grader.store import atomic_write_text
from cnngrade.grader.types import StudentResult

__all__ = ["gradebook_frame", "read_gradebook", "safe_csv", "safe_frame", "write_gradebook"]


def gradebook_frame(results: Sequence[StudentResult], slots: Sequence[Slot]) -> pd.DataFrame:
    """A DataFrame with ``student_id``, one column per slot id, ``total``, ``max`` and ``errors``.

    >>> from grader.types import Verdict
    >>> slots = [Slot("a.1", "a", "answer", 1, 2.0)]
    >>> gradebook_frame([StudentResult("s1", (Verdict("a.1", "a", 1.5, 2.0),))], slots).to_dict("records")
    [{'student_id': 's1', 'a.1': 1.5, 'total': 1.5, 'max': 2.0, 'errors': 0}]
    """
    ids = [s.slot for s in slots]
    rows = []
    for result in results:
        scores = {v.slot: round(v.score, 4) for v in result.verdicts}
        marks = [scores.get(slot, 0.0) for slot in ids]
        row: dict[str, object] = {
            "student_id": result.student_id,
            **{slot: scores.get(slot, 0.0) for slot in ids},
        }
        row["total"] = round(sum(marks), 4)
        row["max"] = round(sum(float(s.points) for s in slots), 4)
        row["errors"] = len(result.errors)
        rows.append(row)
    columns = ["student_id", *ids, "total", "max", "errors"]
    return pd.DataFrame(rows, columns=columns)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and header made spreadsheet-safe (numbers stay numbers)."""
    return frame.map(for_csv).rename(columns=for_csv)


def safe_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text with every text cell and header made spreadsheet-safe (``for_csv``).

    >>> print(safe_csv(pd.DataFrame({"student_id": ["=1+1", "s2"], "total": [-1.0, 2.0]})), end="")
    student_id,total
    '=1+1,-1.0
    s2,2.0
    """
    return safe_frame(frame).to_csv(index=False)


def write_gradebook(frame: pd.DataFrame, path: Path) -> Path:
    """Write the gradebook CSV atomically, every text cell spreadsheet-safe (see the module doc)."""
    atomic_write_text(Path(path), safe_csv(frame))
    return Path(path)


def read_gradebook(path: Path) -> pd.DataFrame:
    """Read a gradebook CSV back (student ids stay strings)."""
    return pd.read_csv(path, dtype={"student_id": str})
