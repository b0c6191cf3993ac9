"""Hints: recognize the known bug behind a failure pattern, as STACK's "buggy rules" do.

A hint is claimed only when its pattern explains the failing cases it applies to, and several can
be given, most specific first (:func:`grader.code.hint_rank.collect_hints` runs the sources and
ranks them). This module holds the hint type and the first source, the exercise's buggy rules: the
student's output equals what a specific bug produces, in at least half of the failing cases the rule
applies to. Value patterns are in :mod:`grader.code.value_hints`, "fails only when F" in
:mod:`grader.code.feature_hints`, exception messages in :mod:`grader.code.error_hints`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.exercises.core import Text
from cnngrade.grader.code.judge import CaseOutcome, compare_outputs


@dataclass(frozen=True)
class Hint:
    """A recognized bug: ``note`` for analytics, ``text`` for the student."""

    note: str
    text: Text


def half_or_more(verdicts: Mapping[int, bool | None]) -> set[int]:
    """The cases a pattern explains (``True``), kept only when they are at least half of the cases
    it applies to (not ``None``): one look-alike case never names a bug.

    >>> sorted(half_or_more({0: True, 1: False, 2: None})), half_or_more({0: True, 1: False, 2: False})
    ([0], set())
    """
    applies = [i for i, v in verdicts.items() if v is not None]
    hits = {i for i in applies if verdicts[i]}
    return hits if hits and 2 * len(hits) >= len(applies) else set()


def _rule_verdicts(
    exercise: CodeExercise, outcome: CaseOutcome, inv: Invocation
) -> dict[str, bool]:
    """For each buggy rule that applies to this failing case: does the student's output equal it?"""
    if outcome.status not in ("wrong", "shape") or not outcome.actual:
        return {}
    verdicts = {}
    for rule in exercise.buggy_rules:
        buggy = rule.outputs(outcome.params, inv)
        if buggy is None or len(buggy) != len(outcome.actual):
            continue
        same_shapes = all(
            np.shape(a) == np.shape(b) for a, b in zip(outcome.actual, buggy, strict=True)
        )
        verdicts[rule.note] = same_shapes and compare_outputs(exercise, outcome.actual, buggy)[0].ok
    return verdicts


def rule_claims(
    exercise: CodeExercise, failing: Sequence[CaseOutcome], invs: Sequence[Invocation]
) -> list[tuple[Hint, set[int]]]:
    """Each buggy rule that explains at least half of the failing cases it applies to, with the
    positions (in ``failing``) of the cases it explains.

    A rule matching one small case only (where two bugs give the same numbers, e.g. a 1x1 hidden
    state) but not the larger ones is not the student's bug; a rule matching most cases is, even
    when a second bug spoils the rest.
    """
    verdicts = [_rule_verdicts(exercise, o, inv) for o, inv in zip(failing, invs, strict=True)]
    kept = []
    for rule in exercise.buggy_rules:
        if cases := half_or_more({i: v.get(rule.note) for i, v in enumerate(verdicts)}):
            kept.append((Hint(rule.note, rule.feedback), cases))
    return kept
