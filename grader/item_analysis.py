"""Item analysis: for each slot, how the class did and which answer notes were most frequent.

Answer notes are STACK's analytics hook: every finding records one (``correct``, ``format``,
``missing``, ``wrong``, ``partial`` or a misconception's name), so counting them per slot shows which
misconception a lecture should address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.gradebook import safe_csv
from cnngrade.grader.store import atomic_write_text
from cnngrade.grader.types import StudentResult

__all__ = ["item_analysis_frame", "write_item_analysis"]

_TOP = 3


def item_analysis_frame(results: Sequence[StudentResult], slots: Sequence[Slot]) -> pd.DataFrame:
    """One row per slot: ``mean_score``, ``mean_fraction``, ``n_full``, format/missing counts, notes.

    ``top_notes`` lists the most frequent answer notes other than ``correct`` (``note: count; ...``);
    ``misconceptions`` counts the findings that named a misconception, ``top_misconceptions`` lists
    the most frequent of them.

    >>> from grader.types import Finding, Verdict
    >>> r = [StudentResult(s, (Verdict("a.1", "a", 0.0, 1.0, (Finding("misconception", "", "no_plus_one"),)),))
    ...      for s in ("s1", "s2")]
    >>> item_analysis_frame(r, [Slot("a.1", "a", "answer", 1, 1.0)]).loc[0, "top_notes"]
    'no_plus_one: 2'
    """
    rows = []
    for slot in slots:
        verdicts = [v for r in results for v in r.verdicts if v.slot == slot.slot]
        notes = Counter(f.note or f.kind for v in verdicts for f in v.findings[:1])
        named = Counter(
            f.note or "" for v in verdicts for f in v.findings if f.kind == "misconception"
        )
        n = len(results)
        total = sum(v.score for v in verdicts)
        top = [
            (k, c)
            for k, c in sorted(notes.items(), key=lambda kc: (-kc[1], kc[0]))
            if k != "correct"
        ]
        rows.append(
            {
                "slot": slot.slot,
                "exercise_id": slot.exercise_id,
                "kind": slot.kind,
                "max_score": float(slot.points),
                "students": n,
                "mean_score": round(total / n, 4) if n else 0.0,
                "mean_fraction": round(total / (n * slot.points), 4) if n and slot.points else 0.0,
                "n_full": sum(1 for v in verdicts if v.passed),
                "n_format": notes.get("format", 0),
                "n_missing": notes.get("missing", 0),
                "misconceptions": sum(named.values()),
                "top_misconceptions": _listing(
                    sorted(named.items(), key=lambda kc: (-kc[1], kc[0]))
                ),
                "top_notes": _listing(top),
            }
        )
    return pd.DataFrame(rows)


def _listing(counts: list[tuple[str, int]]) -> str:
    return "; ".join(f"{k}: {c}" for k, c in counts[:_TOP])


def write_item_analysis(frame: pd.DataFrame, path: Path) -> Path:
    """Write the item-analysis CSV atomically, every text cell spreadsheet-safe (``safe_csv``)."""
    atomic_write_text(Path(path), safe_csv(frame))
    return Path(path)
