"""Graded class folders for the report tests, written directly as a grade run stores them (fast)."""

from __future__ import annotations

from pathlib import Path

from cnngrade.exercises.assignment import Assignment, Slot
from cnngrade.grader.report.data import write_class_file
from cnngrade.grader.store import ResultStore
from cnngrade.grader.types import Finding, StudentResult, Verdict

SLOTS = (
    Slot("conv_output_shape.1", "conv_output_shape", "answer", 2, 2.0),
    Slot("same_padding.1", "same_padding", "answer", 1, 1.0),
    Slot("corr2d.1", "corr2d", "code", 1, 3.0),
)
ASSIGNMENT = Assignment("hw-r", "Report homework", "en", 0, SLOTS)
HOSTILE = '<img src=x onerror="alert(1)">'


def _verdict(slot: Slot, score: float, *findings: Finding) -> Verdict:
    return Verdict(slot.slot, slot.exercise_id, score, slot.points, findings)


def results() -> list[StudentResult]:
    """Six students: strong, middling, misconceptions, a format problem, missing work, a hostile id."""
    a, b, c = SLOTS
    ok = Finding("correct", "Correct.", "correct")
    plus = Finding("misconception", "You forgot the +1.", "no_plus_one")
    flip = Finding("misconception", "Hint: kernel flipped", "flipped_kernel")
    return [
        StudentResult("s01", (_verdict(a, 2, ok), _verdict(b, 1, ok), _verdict(c, 3, ok))),
        StudentResult("s02", (_verdict(a, 1, plus), _verdict(b, 1, ok), _verdict(c, 1.5, flip))),
        StudentResult("s03", (_verdict(a, 0, plus), _verdict(b, 0, Finding("format", "not a number", "format")),
                              _verdict(c, 0, Finding("timeout", "case 1 ran out of time", "timeout"), flip))),
        StudentResult("张三", (_verdict(a, 2, ok), _verdict(b, 0, Finding("wrong", "no", "wrong")),
                              _verdict(c, 0, Finding("forbidden", "F.conv2d is not allowed", "forbidden")))),
        StudentResult("s05", tuple(_verdict(s, 0, Finding("missing", "nothing handed in", "missing")) for s in SLOTS),
                      ("no folder for this student",)),
        StudentResult(HOSTILE, (_verdict(a, 0, plus), _verdict(b, 1, ok), _verdict(c, 0, Finding("error", "crashed", "exception"))),
                      ("<script>alert('err')</script> in answers.yaml",)),
    ]  # fmt: skip


def write_graded(out: Path, *, with_class_file: bool = True) -> Path:
    """A graded class folder: results/, and class.json unless told otherwise."""
    store = ResultStore(out)
    everyone = results()
    for result in everyone:
        store.save(result, "fp", "en")
    if with_class_file:
        write_class_file(out, ASSIGNMENT, [r.student_id for r in everyone])
    return out
