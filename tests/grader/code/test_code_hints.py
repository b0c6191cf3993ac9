"""Hints recognize failure patterns: border-only mismatches, transposed dims, "fails only when F";
and, on real-looking student code run in the sandbox, the failures issue 9 found."""

from __future__ import annotations

import numpy as np

from cnngrade.exercises.code import get
from cnngrade.exercises.core import Text
from cnngrade.grader.code import check_source
from cnngrade.grader.code.feature_hints import feature_hints
from cnngrade.grader.code.judge import CaseOutcome
from cnngrade.grader.code.value_hints import value_hints

CONV = get("conv2d")
BASE = {"N": 1, "cin": 1, "cout": 1, "groups": 1, "H": 6, "W": 6, "kh": 3, "kw": 3, "sh": 1, "sw": 1,
        "ph": 1, "pw": 1, "dh": 1, "dw": 1, "bias": False, "ints": False, "seed": 0}  # fmt: skip


def _outcome(status: str, actual: np.ndarray, expected: np.ndarray, **params) -> CaseOutcome:
    return CaseOutcome(
        "basic", {**BASE, **params}, status, Text("x", "x"), actual=(actual,), expected=(expected,)
    )


def pattern_hints(outcome: CaseOutcome) -> list:
    return [hint for hint, _ in value_hints([outcome], {0})]


def feature_hint(outcomes: list[CaseOutcome]):
    found = feature_hints(
        outcomes, CONV.features, {i for i, o in enumerate(outcomes) if not o.passed}
    )
    return found[0][0] if len(found) == 1 else None


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
    symmetric = square + square.transpose(0, 1, 3, 2)  # a swap changes nothing: no evidence
    assert pattern_hints(_outcome("wrong", symmetric * 2, symmetric)) == []
    wrong_size = np.zeros((1, 1, 3, 2))  # expected (3, 4): wrong, but not the swapped (4, 3)
    assert pattern_hints(_outcome("shape", wrong_size, expected)) == []


def test_fails_only_with_stride() -> None:
    e = np.zeros((1, 1, 2, 2))
    outcomes = [
        CaseOutcome("basic", {**BASE, "sh": 1, "sw": 1, "ph": 0, "pw": 0, "H": 5, "W": 6}, "passed", Text("", "")),
        CaseOutcome("stride", {**BASE, "sh": 2, "sw": 2, "ph": 0, "pw": 0}, "wrong", Text("", ""), actual=(e,), expected=(e,)),
        CaseOutcome("stride", {**BASE, "sh": 2, "sw": 1, "ph": 1, "pw": 1}, "wrong", Text("", ""), actual=(e,), expected=(e,)),
        CaseOutcome("padding", {**BASE, "sh": 1, "sw": 1, "ph": 1, "pw": 1}, "passed", Text("", "")),
    ]  # fmt: skip
    hint = feature_hint(outcomes)
    assert hint is not None and hint.note == "fails_with_stride"
    assert "stride > 1" in hint.text("en") and "步幅" in hint.text("zh")
    assert feature_hint([o for o in outcomes if o.passed]) is None


def test_integer_output_is_named() -> None:
    expected = np.linspace(-2.3, 2.7, 16).reshape(1, 1, 4, 4)
    actual = expected.astype(np.int64)
    (hint,) = pattern_hints(_outcome("wrong", actual, expected, ph=0, pw=0))
    assert hint.note == "integer_output" and "int64" in hint.text("en")
    assert pattern_hints(_outcome("wrong", actual, np.round(expected), ph=0, pw=0)) == []


def test_a_rule_matching_only_a_minority_of_its_cases_is_not_the_bug() -> None:
    """gru_cell: b_hn added outside the reset gate equals d2l's equations when H = 1 only."""
    from cnngrade.exercises.seeding import rng_for
    from cnngrade.grader.code.hints import rule_claims

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
    claims = rule_claims(ex, failing, invs)
    assert [(h.note, cases) for h, cases in claims] == [
        ("b_hn_outside_reset", set(range(len(failing))))
    ]
    d2l_matches = [h.note for h, _ in rule_claims(ex, failing[:1], invs[:1])]
    assert "reset_before_matmul" in d2l_matches  # the 1x1 case alone cannot tell them apart


def test_a_float16_output_is_a_precision_problem_even_when_only_the_border_differs() -> None:
    expected = np.linspace(-3.0, 3.0, 36).reshape(1, 1, 6, 6)
    actual = expected.astype(np.float16)
    (hint,) = pattern_hints(_outcome("wrong", actual, expected))
    assert hint.note == "low_precision" and "float16" in hint.text("en")
    far = expected.copy()
    far[0, 0, 0, 0] += 1.0  # one large error on the border: padding, not precision
    assert [h.note for h in pattern_hints(_outcome("wrong", far, expected))] == ["padding_border"]


# Real-looking student code, graded in the sandbox as `cnngrade check` grades it.
PY2_PRINT = """
import numpy as np

def corr2d(X, K):
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    print Y.shape
    return Y
"""
SLICE_CROP = """
import numpy as np

def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    dxp, dw = np.zeros_like(xp, dtype=float), np.zeros(weight.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            dw += np.einsum("nf,nchw->fchw", dout[:, :, i, j], win)
            dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.einsum(
                "nf,fchw->nchw", dout[:, :, i, j], weight)
    return dxp[:, :, ph:-ph, pw:-pw], dw, dout.sum(axis=(0, 2, 3))
"""


def _hints(exercise_id: str, source: str) -> list:
    report = check_source(get(exercise_id), source, seed=1, shrink_failures=False)
    assert not report.passed
    return list(report.hints)


def test_python2_print_statement_is_named() -> None:
    (hint,) = _hints("corr2d", PY2_PRINT)
    assert (
        hint.note == "python2" and "print(x)" in hint.text("en") and "Python 3" in hint.text("zh")
    )


def test_a_crop_with_minus_padding_is_named_when_padding_is_zero() -> None:
    hints = _hints("conv2d_backward", SLICE_CROP)
    assert [h.note for h in hints] == ["empty_slice_zero_padding"], [h.text("en") for h in hints]
    assert "x[p:-p]" in hints[0].text("en")


def test_cs231n_int_only_code_gets_the_stride_hint_before_the_pair_hint() -> None:
    from pathlib import Path

    styles = Path(__file__).parents[3] / "solutions" / "styles" / "conv2d"
    source = (styles / "wrong_cs231n_no_stride.py").read_text()
    notes = [h.note for h in _hints("conv2d", source)]
    assert "fails_with_stride" in notes and "pair_argument" in notes
    assert notes.index("fails_with_stride") < notes.index("pair_argument")
    source = (styles / "wrong_cs231n_pad_bottom_right.py").read_text()
    assert [h.note for h in _hints("conv2d", source)] == ["one_sided_padding_end", "pair_argument"]


def test_fails_only_with_f_needs_two_passing_cases_without_f() -> None:
    """One passing case without a bias cannot show that the bias is the problem."""
    e = np.zeros((1, 1, 2, 2))
    failing = [
        CaseOutcome("basic", {**BASE, "bias": True, "H": h}, "wrong", Text("", ""),
                    actual=(e,), expected=(e,))
        for h in (5, 6, 7)
    ]  # fmt: skip
    one = [CaseOutcome("basic", {**BASE, "bias": False}, "passed", Text("", ""))]
    assert feature_hint(failing + one) is None
    two = one + [CaseOutcome("basic", {**BASE, "bias": False, "H": 7}, "passed", Text("", ""))]
    hint = feature_hint(failing + two)
    assert hint is not None and hint.note == "fails_with_bias"
