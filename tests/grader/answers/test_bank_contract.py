"""Contract of every registered answer exercise with the grader, over many seeds and difficulties.

The reference answer in each accepted notation scores full marks; each misconception's answer is
diagnosed by name; a wrong answer that is no misconception scores below full marks undiagnosed.
"""

from __future__ import annotations

import functools

import pytest

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate
from cnngrade.exercises.seeding import variant_seed
from cnngrade.grader.answers import grade_answer
from cnngrade.grader.answers.equivalence import canonical, match

from .notations import hostile_inputs, notations, typed_variants, wrong_candidates

SEEDS = 6  # per difficulty; the exercise bank's own contract tests cover hundreds of seeds
EXERCISES = registry.all_exercises()


@functools.cache
def _problems(exercise):
    return tuple(
        instantiate(
            exercise,
            variant_seed("contract", f"s{i:03d}", exercise.id, difficulty),
            difficulty=difficulty,
            lang=("zh", "en")[i % 2],
        )
        for difficulty in exercise.difficulties
        for i in range(SEEDS)
    )


def test_the_bank_is_not_empty():
    assert EXERCISES, "no exercise registered: the contract below would test nothing"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_reference_answer_in_every_notation_scores_full_marks(exercise):
    for problem in _problems(exercise):
        for typed in notations(problem.answer, problem.spec):
            verdict = grade_answer(problem, typed)
            assert verdict.passed, (problem.seed, typed, verdict.findings)
            assert verdict.findings[0].kind == "correct"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_each_misconception_is_diagnosed_by_name(exercise):
    seen = 0
    for problem in _problems(exercise):
        for note, wrong in problem.misconception_answers.items():
            typed = notations(wrong, problem.spec)[0]
            verdict = grade_answer(problem, typed)
            finding = verdict.findings[0]
            spec = problem.spec
            same = {
                n
                for n, w in problem.misconception_answers.items()
                if match(canonical(wrong, spec), canonical(w, spec), spec).equal
            }
            if match(canonical(wrong, spec), canonical(problem.answer, spec), spec).equal:
                continue  # equal to the key over the whole domain (e.g. floor vs ceil identities)
            assert finding.kind == "misconception", (problem.seed, note, typed, finding)
            assert finding.note in same, (note, finding.note)
            assert not verdict.passed
            seen += 1
    if any(e.misconceptions for e in [exercise]):
        assert seen, f"{exercise.id}: no misconception was ever applicable over {SEEDS} seeds"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_answers_typed_as_students_type_them_grade_as_their_clean_notation(exercise):
    """Full-width digits, 答：, units, LaTeX, repr, 选B: the key scores full marks, and each
    misconception gets the same finding (kind, note, score) as its clean notation."""
    for problem in _problems(exercise)[:: SEEDS // 2]:
        for typed in typed_variants(problem.answer, problem.spec):
            verdict = grade_answer(problem, typed)
            assert verdict.passed, (problem.seed, typed, verdict.findings)
        for note, wrong in problem.misconception_answers.items():
            clean = grade_answer(problem, notations(wrong, problem.spec)[0]).findings[0]
            for typed in typed_variants(wrong, problem.spec):
                got = grade_answer(problem, typed).findings[0]
                assert (got.kind, got.note, got.score) == (clean.kind, clean.note, clean.score), (
                    problem.seed,
                    note,
                    typed,
                    got,
                )


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_wrong_answer_scores_below_full_and_is_not_misdiagnosed(exercise):
    for problem in _problems(exercise):
        spec = problem.spec
        wrongs = [canonical(w, spec) for w in problem.misconception_answers.values()]
        for typed in wrong_candidates(problem.answer, spec):
            verdict = grade_answer(problem, typed)
            got = verdict.findings[0]
            if got.kind == "misconception":
                assert any(
                    match(canonical(got_value, spec), w, spec).equal
                    for got_value in [_parsed(typed, spec)]
                    for w in wrongs
                )
                continue
            assert verdict.score < verdict.max_score, (problem.seed, typed)
            assert got.kind in ("wrong", "partial"), got


def _parsed(typed, spec):
    from cnngrade.grader.answers import parse_answer

    value = parse_answer(typed, spec)
    return value if spec.kind != "shape" else list(value)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_hostile_inputs_are_format_findings_and_execute_nothing(exercise, tmp_path):
    marker = tmp_path / "pwned"
    problem = _problems(exercise)[0]
    for raw in hostile_inputs(marker):
        verdict = grade_answer(problem, raw)
        assert verdict.findings[0].kind == "format", (raw, verdict.findings)
        assert verdict.score == 0 and not verdict.counts_attempt
    assert not marker.exists()
