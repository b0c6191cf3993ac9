"""What the report reads from a graded class folder, and the per-student problems it lists.

A grade run writes ``OUT/class.json`` (:func:`write_class_file`): the assignment's id, title,
language and slots, and the students of the run in order. The report rebuilds everything else from
``OUT/results/<student>.json``, the durable record of every verdict, so ``cnngrade report OUT`` works
on any graded folder. Folders graded before ``class.json`` existed fall back on ``item_analysis.csv``
for the slots and on every stored result for the students.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.classrun import CLASS_FILE, is_faulted, write_class_file
from cnngrade.grader.pipeline import GRADER_FAULT
from cnngrade.grader.store import ResultStore, result_from_json
from cnngrade.grader.types import StudentResult

__all__ = [
    "CLASS_FILE",
    "ClassData",
    "StudentProblems",
    "load_class",
    "misconception_counts",
    "student_problems",
    "write_class_file",
]


@dataclass(frozen=True)
class ClassData:
    """A graded class as the report sees it."""

    assignment_id: str
    title: str
    language: str
    slots: tuple[Slot, ...]
    results: tuple[StudentResult, ...]


def load_class(out_dir: str | Path) -> ClassData:
    """Read a graded class folder; ValueError (one line, with the fix) when it is not one."""
    out = Path(out_dir)
    if not (out / "results").is_dir():
        raise ValueError(f"{out} has no results/ folder: give the --out folder of `cnngrade grade`")
    store = ResultStore(out)
    meta_path = out / CLASS_FILE
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        slots = tuple(
            Slot(s["slot"], s["exercise_id"], s["kind"], 1, float(s["points"]))
            for s in meta["slots"]
        )
        head = meta["assignment"]
        ids = list(meta["students"])
        docs = [store.load(i) for i in ids]
        lost = [i for i, d in zip(ids, docs, strict=True) if d is None]
        if lost:
            raise ValueError(
                f"{len(lost)} result file(s) under {out / 'results'} are missing or unreadable "
                f"(first: {lost[0]!r}); run `cnngrade grade` again to rebuild them"
            )
        results = tuple(result_from_json(d) for d in docs if d is not None)
        return ClassData(head["id"], head["title"], head["language"], slots, results)
    return _load_without_class_file(out, store)


def _load_without_class_file(out: Path, store: ResultStore) -> ClassData:
    items = out / "item_analysis.csv"
    if not items.is_file():
        raise ValueError(
            f"{out} has neither {CLASS_FILE} nor item_analysis.csv: run `cnngrade grade`"
        )
    frame = pd.read_csv(items, dtype={"slot": str, "exercise_id": str, "kind": str})
    slots = tuple(
        Slot(r.slot, r.exercise_id, r.kind, 1, float(r.max_score)) for r in frame.itertuples()
    )
    docs = []
    for path in sorted(store.folder.glob("*.json")):
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    docs = [d for d in docs if isinstance(d, dict) and "verdicts" in d]
    langs = Counter(str(d.get("lang", "en")) for d in docs)
    language = langs.most_common(1)[0][0] if langs else "en"
    return ClassData("", "", language, slots, tuple(result_from_json(d) for d in docs))


@dataclass(frozen=True)
class StudentProblems:
    """What went wrong with one student's submission, slot ids per kind of problem."""

    student_id: str
    fault: bool
    missing: tuple[str, ...]
    format: tuple[str, ...]
    forbidden: tuple[str, ...]
    timeout: tuple[str, ...]
    crashed: tuple[str, ...]
    errors: tuple[str, ...]


def student_problems(results: Sequence[StudentResult]) -> list[StudentProblems]:
    """The students whose submission had any problem, in the given order.

    >>> from cnngrade.grader.types import Finding, Verdict
    >>> r = StudentResult("s1", (Verdict("a.1", "a", 0, 1, (Finding("timeout", "too slow"),)),))
    >>> [(p.student_id, p.timeout) for p in student_problems([r, StudentResult("s2", ())])]
    [('s1', ('a.1',))]
    """
    found = []
    for result in results:

        def slots(kind: str, result: StudentResult = result) -> tuple[str, ...]:
            return tuple(
                v.slot
                for v in result.verdicts
                if any(f.kind == kind and f.note != GRADER_FAULT for f in v.findings)
            )

        row = StudentProblems(
            result.student_id, is_faulted(result), slots("missing"), slots("format"), slots("forbidden"),
            slots("timeout"), slots("error"), result.errors,
        )  # fmt: skip
        if row.fault or any(
            (row.missing, row.format, row.forbidden, row.timeout, row.crashed, row.errors)
        ):
            found.append(row)
    return found


def misconception_counts(results: Sequence[StudentResult], slot: str) -> Counter[str]:
    """How many students each named misconception was diagnosed in, on one slot.

    >>> from cnngrade.grader.types import Finding, Verdict
    >>> f = Finding("misconception", "...", note="no_plus_one")
    >>> misconception_counts([StudentResult("s", (Verdict("a.1", "a", 0, 1, (f, f)),))], "a.1")
    Counter({'no_plus_one': 1})
    """
    counts: Counter[str] = Counter()
    for result in results:
        for verdict in result.verdicts:
            if verdict.slot == slot:
                counts.update({f.note or "" for f in verdict.findings if f.kind == "misconception"})
    return counts
