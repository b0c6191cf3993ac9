"""The gradebook: one row per student, a column per slot, totals; rebuilt, never appended."""

from __future__ import annotations

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.gradebook import gradebook_frame, read_gradebook, write_gradebook
from cnngrade.grader.types import StudentResult, Verdict

SLOTS = [
    Slot("a.1", "a", "answer", 1, 2.0),
    Slot("b.1", "b", "answer", 1, 1.0),
    Slot("c.1", "c", "code", 1, 3.0),
]


def _result(sid, *scores, errors=()):
    verdicts = tuple(
        Verdict(s.slot, s.exercise_id, x, s.points) for s, x in zip(SLOTS, scores, strict=False)
    )
    return StudentResult(sid, verdicts, errors)


def test_columns_totals_and_missing_slots_score_zero():
    book = gradebook_frame(
        [_result("s1", 2.0, 0.5, 3.0), _result("s2", 1.5, errors=("bad yaml",))], SLOTS
    )
    assert list(book.columns) == ["student_id", "a.1", "b.1", "c.1", "total", "max", "errors"]
    assert book.to_dict("records")[1] == {
        "student_id": "s2",
        "a.1": 1.5,
        "b.1": 0.0,
        "c.1": 0.0,
        "total": 1.5,
        "max": 6.0,
        "errors": 1,
    }
    assert list(book["total"]) == [5.5, 1.5]


def test_round_trip_keeps_ids_as_strings(tmp_path):
    book = gradebook_frame([_result("007", 1.0, 1.0, 1.0)], SLOTS)
    path = write_gradebook(book, tmp_path / "gradebook.csv")
    again = read_gradebook(path)
    assert again.loc[0, "student_id"] == "007" and again.loc[0, "total"] == 3.0


def test_same_results_same_bytes(tmp_path):
    results = [_result("s1", 1 / 3, 0.25, 3.0)]
    a = write_gradebook(gradebook_frame(results, SLOTS), tmp_path / "a.csv").read_bytes()
    b = write_gradebook(gradebook_frame(results, SLOTS), tmp_path / "b.csv").read_bytes()
    assert a == b and b"0.3333" in a


def test_written_cells_are_never_formulas_and_show_no_escape(tmp_path):
    import csv

    from cnngrade.exercises.assignment import Slot
    from cnngrade.grader.gradebook import gradebook_frame, write_gradebook
    from cnngrade.grader.types import StudentResult, Verdict

    slots = [Slot("a.1", "a", "answer", 1, 1.0)]
    ids = ['=HYPERLINK("http://evil","x")', "+1", "-1+2", "@SUM(1)", "\tx", "\r=1", "ok\x1b[2J"]
    results = [StudentResult(i, (Verdict("a.1", "a", -0.0, 1.0),)) for i in ids]
    path = write_gradebook(gradebook_frame(results, slots), tmp_path / "gradebook.csv")
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\r=" not in text
    rows = list(csv.DictReader(text.splitlines()))
    expected = ["'" + i for i in ids[:5]] + ["'\\x0d=1"]  # CR shown escaped, still quoted
    assert [r["student_id"] for r in rows][:6] == expected
    assert rows[-1]["student_id"] == "ok\\x1b[2J"
