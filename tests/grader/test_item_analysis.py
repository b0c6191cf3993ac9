"""Item analysis: mean score, who got it, answer notes counted per slot."""

from __future__ import annotations

import pytest

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.item_analysis import item_analysis_frame, write_item_analysis
from cnngrade.grader.types import Finding, StudentResult, Verdict

SLOT = Slot("a.1", "a", "answer", 1, 2.0)


def _r(sid, score, kind, note):
    return StudentResult(sid, (Verdict("a.1", "a", score, 2.0, (Finding(kind, "", note, score),)),))


def test_counts_and_top_notes():
    results = [
        _r("s1", 2.0, "correct", "correct"),
        _r("s2", 1.0, "misconception", "no_plus_one"),
        _r("s3", 1.0, "misconception", "no_plus_one"),
        _r("s4", 0.0, "format", "format"),
        _r("s5", 0.0, "missing", "missing"),
        _r("s6", 0.5, "misconception", "padding_once"),
    ]
    row = item_analysis_frame(results, [SLOT]).iloc[0]
    assert (
        row["students"] == 6
        and row["n_full"] == 1
        and row["n_format"] == 1
        and row["n_missing"] == 1
    )
    assert row["mean_score"] == pytest.approx(4.5 / 6, abs=1e-4)
    assert row["mean_fraction"] == pytest.approx(4.5 / 12, abs=1e-4)
    assert row["misconceptions"] == 3
    assert row["top_notes"] == "no_plus_one: 2; format: 1; missing: 1"
    assert row["top_misconceptions"] == "no_plus_one: 2; padding_once: 1"


def test_a_student_without_a_verdict_counts_as_zero(tmp_path):
    results = [_r("s1", 2.0, "correct", "correct"), StudentResult("s2", ())]
    frame = item_analysis_frame(results, [SLOT])
    assert frame.loc[0, "mean_fraction"] == 0.5
    assert write_item_analysis(frame, tmp_path / "i.csv").read_text().startswith("slot,exercise_id")
