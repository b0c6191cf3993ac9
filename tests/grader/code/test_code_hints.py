"""Hints recognize failure patterns: border-only mismatches, transposed dims, "fails only when F"."""

from __future__ import annotations

import numpy as np

from cnngrade.exercises.code import get
from cnngrade.exercises.core import Text
from cnngrade.grader.code.hints import feature_hint, pattern_hints
from cnngrade.grader.code.judge import CaseOutcome

CONV = get("conv2d")
BASE = {"N": 1, "cin": 1, "cout": 1, "groups": 1, "H": 6, "W": 6, "kh": 3, "kw": 3, "sh": 1, "sw": 1,
        "ph": 1, "pw": 1, "dh": 1, "dw": 1, "bias": False, "ints": False, "seed": 0}  # fmt: skip


def _outcome(status: str, actual: np.ndarray, expected: np.ndarray, **params) -> CaseOutcome:
    return CaseOutcome(
        "basic", {**BASE, **params}, status, Text("x", "x"), actual=(actual,), expected=(expected,)
    )


def test_mismatch_only_on_the_border_suggests_padding() -> None:
    expected = np.arange(36.0).reshape(1, 1, 6, 6)
    actual = expected.copy()
    actual[0, 0, 0, 2] += 1.0
    actual[0, 0, 5, 5] -= 2.0
    assert [h.note for h in pattern_hints(_outcome("wrong", actual, expected))] == [
        "padding_border"
    ]
    actual[0, 0, 3, 3] += 1.0  # an interior mismatch: not a padding problem
    assert pattern_hints(_outcome("wrong", actual, expected)) == []


def test_no_padding_hint_without_padding() -> None:
    expected = np.arange(36.0).reshape(1, 1, 6, 6)
    actual = expected.copy()
    actual[0, 0, 0, 0] += 1.0
    assert pattern_hints(_outcome("wrong", actual, expected, ph=0, pw=0)) == []


def test_swapped_height_and_width_is_recognized() -> None:
    expected = np.arange(12.0).reshape(1, 1, 3, 4)
    hints = pattern_hints(_outcome("shape", np.swapaxes(expected, -1, -2), expected))
    assert [h.note for h in hints] == ["transposed"]
    square = np.arange(9.0).reshape(1, 1, 3, 3)
    assert [
        h.note for h in pattern_hints(_outcome("wrong", square.transpose(0, 1, 3, 2), square))
    ] == ["transposed"]


def test_fails_only_with_stride() -> None:
    e = np.zeros((1, 1, 2, 2))
    outcomes = [
        CaseOutcome("basic", {**BASE, "sh": 1, "sw": 1, "ph": 0, "pw": 0, "H": 5, "W": 6}, "passed", Text("", "")),
        CaseOutcome("stride", {**BASE, "sh": 2, "sw": 2, "ph": 0, "pw": 0}, "wrong", Text("", ""), actual=(e,), expected=(e,)),
        CaseOutcome("stride", {**BASE, "sh": 2, "sw": 1, "ph": 1, "pw": 1}, "wrong", Text("", ""), actual=(e,), expected=(e,)),
        CaseOutcome("padding", {**BASE, "sh": 1, "sw": 1, "ph": 1, "pw": 1}, "passed", Text("", "")),
    ]  # fmt: skip
    hint = feature_hint(CONV, outcomes, CONV.features)
    assert hint is not None and hint.note == "fails_with_stride"
    assert "stride > 1" in hint.text("en") and "步幅" in hint.text("zh")
    assert feature_hint(CONV, [o for o in outcomes if o.passed], CONV.features) is None


def test_integer_output_is_named() -> None:
    expected = np.linspace(-2.3, 2.7, 16).reshape(1, 1, 4, 4)
    actual = expected.astype(np.int64)
    (hint,) = pattern_hints(_outcome("wrong", actual, expected, ph=0, pw=0))
    assert hint.note == "integer_output" and "int64" in hint.text("en")
    assert pattern_hints(_outcome("wrong", actual, np.round(expected), ph=0, pw=0)) == []


def test_a_rule_matching_only_a_minority_of_its_cases_is_not_the_bug() -> None:
    """gru_cell: b_hn added outside the reset gate equals d2l's equations when H = 1 only."""
    from cnngrade.exercises.seeding import rng_for
    from cnngrade.grader.code.hints import consistent_rule_hints

    ex = get("gru_cell")
    failing, invs = [], []
    for case in ex.cases(rng_for(0)):
        inv = ex.build(case.params)
        (actual,) = next(r for r in ex.buggy_rules if r.note == "b_hn_outside_reset").outputs(
            case.params, inv
        )
        failing.append(CaseOutcome(case.group, case.params, "wrong", Text("", ""), actual=(actual,),
                                   expected=ex.expected(case.params, inv)))  # fmt: skip
        invs.append(inv)
    hints, explained = consistent_rule_hints(ex, failing, invs)
    assert [h.note for h in hints] == ["b_hn_outside_reset"] and all(explained)
    d2l_matches = [h.note for h in consistent_rule_hints(ex, failing[:1], invs[:1])[0]]
    assert "reset_before_matmul" in d2l_matches  # the 1x1 case alone cannot tell them apart
