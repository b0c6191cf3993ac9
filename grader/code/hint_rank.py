"""Collect the hints of one submission's outcomes, each claimed only for the failures it explains,
and rank them most specific first.

The sources run in a fixed order over the failing cases no earlier source explained (a case is
explained once):

1. buggy rules — the output equals what a named bug computes;
2. Python 2 code and the empty ``x[p:-p]`` slice — a message or pattern naming one cause;
3. value patterns — too little precision, an integer dtype, (H, W) swapped, border-only errors;
4. exception messages about an argument's form (a signature, an int or a pair, a float size,
   NumPy into torch), claimed only when the call passes that form;
5. "fails only when F" — over the failures still unexplained, so an exception on pair arguments
   does not hide that the int cases fail only with stride > 1.

A "fails with F" hint is dropped next to a named hint about F (:data:`feature_hints.ABOUT`).

Ranks (what the student reads first): rules, then named causes and value patterns, then the
features, then the argument-form messages, which say how the code breaks more than what is wrong;
within a rank, the hint explaining more cases first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.grader.code import error_hints as E
from cnngrade.grader.code.feature_hints import ABOUT, feature_hints
from cnngrade.grader.code.hints import Hint, rule_claims
from cnngrade.grader.code.judge import CaseOutcome
from cnngrade.grader.code.value_hints import value_hints

__all__ = ["collect_hints"]

Claims = list[tuple[Hint, set[int]]]


def _rules(exercise: CodeExercise, outcomes, invs, open_: set[int]) -> Claims:
    order = sorted(open_)
    found = rule_claims(exercise, [outcomes[i] for i in order], [invs[i] for i in order])
    return [(hint, {order[k] for k in cases}) for hint, cases in found]


def _named_causes(exercise: CodeExercise, outcomes, invs, open_: set[int]) -> Claims:
    found: Claims = []
    py2 = {i: hint for i in open_ if (hint := E.python2_hint(outcomes[i])) is not None}
    if py2:
        found.append((py2[min(py2)], set(py2)))
    if cases := E.empty_slice_cases(outcomes, open_ - set(py2)):
        found.append((E.EMPTY_SLICE, cases))
    return found


def _values(exercise: CodeExercise, outcomes, invs, open_: set[int]) -> Claims:
    return value_hints(outcomes, open_) if exercise.kind == "function" else []


def _argument_forms(exercise: CodeExercise, outcomes, invs, open_: set[int]) -> Claims:
    """Exception messages about an argument's form. A pair used as a number also explains the
    other crashes of calls passing a pair (``np.pad`` given a tuple raises "setting an array
    element with a sequence") when every call passing a pair crashes."""
    by_note: dict[str, tuple[Hint, set[int]]] = {}
    for i in sorted(open_):
        for hint in E.exception_hints(exercise, outcomes[i], invs[i]):
            by_note.setdefault(hint.note, (hint, set()))[1].add(i)
    if "pair_argument" in by_note:
        with_pair = {
            i
            for i, o in enumerate(outcomes)
            if E.passes_pair(invs[i] if i in invs else exercise.build(o.params))
        }
        if all(outcomes[i].status == "exception" for i in with_pair):
            by_note["pair_argument"][1].update(with_pair & open_)
    return list(by_note.values())


def _features(exercise: CodeExercise, outcomes, invs, open_: set[int]) -> Claims:
    return feature_hints(outcomes, exercise.features, open_)


Source = Callable[[CodeExercise, Sequence[CaseOutcome], dict[int, Invocation], set[int]], Claims]
#: (source, rank) in the order they run; see the module docstring for why this order.
SOURCES: tuple[tuple[Source, int], ...] = (
    (_rules, 0),
    (_named_causes, 1),
    (_values, 1),
    (_argument_forms, 3),
    (_features, 2),
)


def collect_hints(exercise: CodeExercise, outcomes: Sequence[CaseOutcome]) -> list[Hint]:
    """The hints that explain ``outcomes``' failures, most specific first (no note twice).

    >>> from cnngrade.exercises.code import get
    >>> from cnngrade.exercises.core import Text
    >>> ex = get("corr2d")
    >>> p = ex.cases(__import__("numpy").random.default_rng(0))[0].params
    >>> msg = Text("raised NameError at line 4: name 'xrange' is not defined", "")
    >>> [h.note for h in collect_hints(ex, [CaseOutcome("basic", p, "exception", msg)])]
    ['python2']
    """
    failing = {i for i, o in enumerate(outcomes) if not o.passed}
    invs = {i: exercise.build(outcomes[i].params) for i in failing}
    open_ = set(failing)
    ranked: list[tuple[int, int, int, Hint]] = []
    for source, rank in SOURCES:
        for hint, cases in source(exercise, outcomes, invs, open_):
            if hint.note not in {h.note for *_, h in ranked}:
                ranked.append((rank, -len(cases), len(ranked), hint))
            open_ -= cases
    about = {f"fails_with_{ABOUT[h.note]}" for *_, h in ranked if h.note in ABOUT}
    return [hint for *_, hint in sorted(ranked, key=lambda r: r[:3]) if hint.note not in about]
