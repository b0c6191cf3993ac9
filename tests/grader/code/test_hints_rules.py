"""Every hint rule fires on its own bug and stays silent on the other rules' bugs and on right code.

Bugs are simulated as a student's outputs (or exception messages) on the exercise's real cases,
judged as the grader judges them; the hints come from :func:`collect_hints`, as ``cnngrade check``
gives them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import pytest

from cnngrade.exercises.code import get, names
from cnngrade.exercises.code.core import BuggyRule, CodeExercise, Invocation
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.code.hint_rank import collect_hints
from cnngrade.grader.code.judge import CaseOutcome, judge
from cnngrade.grader.sandbox.api import CallResult

#: What a simulated student does on one case: outputs, None (right), or an exception message.
Student = Callable[[dict[str, Any], Invocation, tuple[np.ndarray, ...]], Any]


@cache
def _cases(exercise_id: str, seed: int) -> list[tuple[Any, Invocation, tuple]]:
    ex = get(exercise_id)
    cases = ex.cases(rng_for(seed))
    return [(c, inv := ex.build(c.params), ex.expected(c.params, inv)) for c in cases]


def simulate(ex: CodeExercise, student: Student, seed: int = 0) -> list[CaseOutcome]:
    outcomes = []
    for case, inv, expected in _cases(ex.id, seed):
        got = student(case.params, inv, expected)
        if isinstance(got, str):
            result = CallResult("exception", message=got)
        else:
            got = expected if got is None else got
            result = CallResult("ok", outputs=tuple(np.asarray(g) for g in got))
        outcomes.append(judge(ex, case.group, case.params, result, expected, 1.0))
    return outcomes


def notes(ex: CodeExercise, student: Student, seed: int = 0) -> list[str]:
    return [h.note for h in collect_hints(ex, simulate(ex, student, seed))]


def _memoized(ex: CodeExercise) -> CodeExercise:
    """The exercise with each buggy rule's outputs computed once per case (the test asks often)."""

    def memo(outputs):
        seen: dict[str, Any] = {}

        def cached(p, inv):
            key = json.dumps(p, sort_keys=True)
            if key not in seen:
                seen[key] = outputs(p, inv)
            return seen[key]

        return cached

    rules = tuple(BuggyRule(r.note, r.feedback, memo(r.outputs)) for r in ex.buggy_rules)
    return replace(ex, buggy_rules=rules)


def _conv(inv: Invocation, **changes: Any) -> tuple[np.ndarray, ...]:
    from cnngrade.exercises.code._common import n64, t64
    from cnngrade.reference.conv import conv2d

    x, weight, bias = (t64(a) for a in inv.args)
    return (n64(conv2d(x, weight, **{**inv.kwargs, "bias": bias, **changes})),)


def _pairs(inv: Invocation) -> bool:
    return any(isinstance(v, tuple) for v in inv.kwargs.values())


def _empty(p: dict, inv: Invocation, e: tuple) -> Any:
    if p["ph"] and p["pw"]:
        return None
    shape = ",".join(str(d) for d in inv.args[0].shape)
    return (
        f"raised ValueError at line 9: could not broadcast input array from shape ({shape}) into "
        f"shape ({shape[:-3]}0,0)"
    )


#: conv2d bugs: (name, simulated student, the hint note it deserves).
CONV_BUGS: list[tuple[str, Student, str]] = [
    ("float16", lambda p, inv, e: tuple(a.astype(np.float16) for a in e), "low_precision"),
    ("int dtype", lambda p, inv, e: tuple(a.astype(np.int64) for a in e), "integer_output"),
    ("H, W swapped", lambda p, inv, e: tuple(np.swapaxes(a, -1, -2) for a in e), "transposed"),
    ("edge padding", lambda p, inv, e: _conv(inv, padding_mode="replicate"), "padding_border"),
    ("xrange", lambda p, inv, e: "raised NameError at line 4: name 'xrange' is not defined",
     "python2"),
    ("x[p:-p]", _empty, "empty_slice_zero_padding"),
    ("pairs only", lambda p, inv, e: None if _pairs(inv) else
     "raised TypeError at line 4: cannot unpack non-iterable int object", "int_argument"),
    ("ints only", lambda p, inv, e: None if not _pairs(inv) else
     "raised TypeError at line 5: unsupported operand type(s) for *: 'tuple' and 'int'",
     "pair_argument"),
    ("/ for //", lambda p, inv, e: "raised TypeError at line 7: 'float' object cannot be "
     "interpreted as an integer", "float_size"),
    ("numpy into torch", lambda p, inv, e: "raised TypeError at line 15: can't assign a "
     "numpy.float32 to a torch.FloatTensor", "numpy_into_tensor"),
    ("signature", lambda p, inv, e: "raised TypeError: conv2d() got an unexpected keyword "
     "argument 'dilation'", "signature"),
    ("stride ignored", lambda p, inv, e: _conv(inv, stride=1), "fails_with_stride"),
    ("dilation ignored", lambda p, inv, e: _conv(inv, dilation=1), "fails_with_dilation"),
    ("padding ignored", lambda p, inv, e: _conv(inv, padding=0), "fails_with_padding"),
]  # fmt: skip
CONV = _memoized(get("conv2d"))
HINT_NOTES = {note for *_, note in CONV_BUGS}


@pytest.mark.parametrize("name, student, note", CONV_BUGS, ids=[b[0] for b in CONV_BUGS])
def test_a_hint_fires_on_its_bug_first(name: str, student: Student, note: str) -> None:
    for seed in (0, 1):
        found = notes(CONV, student, seed)
        assert found[:1] == [note], (name, seed, found)


@cache
def _conv_bug_notes() -> dict[str, list[str]]:
    found = {name: notes(CONV, student) for name, student, _ in CONV_BUGS}
    return {**found, "right code": notes(CONV, lambda p, inv, e: None)}


@pytest.mark.parametrize("note", sorted(HINT_NOTES))
def test_a_hint_is_silent_on_the_other_bugs_and_on_right_code(note: str) -> None:
    deserved = {name: want for name, _, want in CONV_BUGS}
    for name, found in _conv_bug_notes().items():
        if deserved.get(name) != note:
            assert note not in found, (note, name, found)


@pytest.mark.parametrize("exercise_id", [n for n in names() if get(n).kind == "function"])
def test_each_buggy_rule_fires_first_on_its_bug_and_no_other_rule_does(exercise_id: str) -> None:
    ex = _memoized(get(exercise_id))
    assert notes(ex, lambda p, inv, e: None) == []
    rules = {r.note for r in ex.buggy_rules}
    for rule in ex.buggy_rules:
        found = notes(ex, lambda p, inv, e, rule=rule: rule.outputs(p, inv))
        assert found[:1] == [rule.note], (rule.note, found)
        assert not (set(found) - {rule.note}) & rules, (rule.note, found)


def test_the_swap_hint_needs_a_swap_that_explains_the_mismatch() -> None:
    """A wrong-size output that is not the swapped shape, or square and symmetric, is no swap."""
    pool = get("max_pool2d")

    def one_stride(p, inv, e):  # the first of each pair only: wrong sizes, not swapped ones
        from cnngrade.exercises.code._common import n64, t64
        from cnngrade.reference.pooling import max_pool2d

        k = inv.args[1] if isinstance(inv.args[1], int) else inv.args[1][0]
        s = inv.kwargs.get("stride", k)
        s = s if isinstance(s, int) else s[0]
        return (n64(max_pool2d(t64(inv.args[0]), k, stride=s)),)

    found = notes(pool, one_stride)
    assert "transposed" not in found and "fails_with_non_square" not in found, found
    assert not any(
        "swapped" in h.text("en") for h in collect_hints(pool, simulate(pool, one_stride))
    )


def test_float16_is_a_precision_problem_not_a_padding_one() -> None:
    ex = get("conv2d_backward")
    found = notes(ex, lambda p, inv, e: tuple(a.astype(np.float16) for a in e))
    assert found == ["low_precision"], found
    (hint,) = collect_hints(
        ex, simulate(ex, lambda p, inv, e: tuple(a.astype(np.float16) for a in e))
    )
    assert "float16" in hint.text("en") and "float16" in hint.text("zh")


def test_the_border_hint_needs_padding_and_errors_confined_to_the_border() -> None:
    """Errors everywhere on padded cases (a scaled output) are not a padding problem."""
    scaled = notes(CONV, lambda p, inv, e: tuple(a * 1.5 for a in e) if p["ph"] + p["pw"] else None)
    assert "padding_border" not in scaled and scaled == ["fails_with_padding"], scaled
    unpadded = notes(CONV, lambda p, inv, e: None if p["ph"] + p["pw"] else tuple(a + 1 for a in e))
    assert "padding_border" not in unpadded


def test_several_hints_are_ranked_most_specific_first() -> None:
    """Int-only code that also ignores the stride: the pair crashes do not hide the stride bug."""

    def int_only_no_stride(p, inv, e):
        if _pairs(inv):
            return (
                "raised TypeError at line 5: unsupported operand type(s) for //: 'int' and 'tuple'"
            )
        return _conv(inv, stride=1) if p["sh"] > 1 else None

    found = notes(CONV, int_only_no_stride)
    assert found == ["fails_with_stride", "pair_argument"], found
    (stride, _) = collect_hints(CONV, simulate(CONV, int_only_no_stride))
    assert stride.text("en").startswith("Among the cases no other hint explains")
