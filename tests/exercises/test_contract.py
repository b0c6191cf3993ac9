"""The contract every registered exercise keeps, checked over many seeds in both languages.

For each exercise: the Problem is JSON data, the answer has its spec's kind, misconception answers
differ from the answer, the worked solution ends at the answer, both languages render (Chinese really
in Chinese), LaTeX dollars balance, and the same seed rebuilds the same variant. Cheap exercises get
200 seeds; slow ones (sympy, big matrices) fewer, so the file stays well under 20 s.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnngrade.exercises import registry
from cnngrade.exercises.core import LANGS, Exercise, Problem
from cnngrade.exercises.instantiate import instantiate, same_answer
from cnngrade.exercises.render import (
    answer_forms,
    problem_from_json,
    problem_set_markdown,
    problem_to_json,
)

SEEDS = 200
MIN_SEEDS = 6
BUDGET_S = 0.15  # seconds per exercise and language
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOTE = re.compile(r"^[a-z][a-z0-9_]*$")


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_real(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _matrix_of(value: object, element: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(row, list) and len(row) == len(value[0]) > 0 for row in value)
        and all(element(x) for row in value for x in row)
    )


def _kind_ok(value: object, problem: Problem) -> bool:
    kind = problem.spec.kind
    checks = {
        "integer": lambda v: _is_int(v),
        "number": lambda v: isinstance(v, float),
        "shape": lambda v: (
            isinstance(v, list) and len(v) > 0 and all(_is_int(x) and x >= 1 for x in v)
        ),
        "int_matrix": lambda v: _matrix_of(v, _is_int),
        "matrix": lambda v: _matrix_of(v, _is_real),
        "symbolic": lambda v: isinstance(v, str) and v != "",
        "choice": lambda v: _is_int(v) and 0 <= v < len(problem.spec.choices),
    }
    return checks[kind](value)


def _dollars_balanced(text: str) -> bool:
    return text.replace(r"\$", "").count("$") % 2 == 0


def _check(problem: Problem) -> None:
    """Text checks in every language; the language-free data checks once (in zh)."""
    where = f"{problem.exercise_id} seed={problem.seed} lang={problem.lang}"
    if problem.lang == "zh":
        _check_data(problem, where)
    last = problem.solution.strip().split("\n\n")[-1]
    forms = answer_forms(problem.answer, problem.spec)
    assert any(form in last for form in forms), (
        f"{where}: solution does not end at {forms[0]!r}: {last!r}"
    )
    for text in (problem.prompt, problem.solution):
        assert text.strip(), f"{where}: empty text"
        assert _dollars_balanced(text), f"{where}: unbalanced $ in {text!r}"
        assert bool(_CJK.search(text)) == (problem.lang == "zh"), (
            f"{where}: wrong language: {text[:80]!r}"
        )


def _check_data(problem: Problem, where: str) -> None:
    assert json.loads(json.dumps(problem.params)) == problem.params, (
        f"{where}: params not JSON-native"
    )
    assert problem_from_json(problem_to_json(problem)) == problem, (
        f"{where}: JSON round trip differs"
    )
    assert _kind_ok(problem.answer, problem), (
        f"{where}: answer {problem.answer!r} is not a {problem.spec.kind}"
    )
    for note, value in problem.misconception_answers.items():
        assert _NOTE.match(note), f"{where}: answer note {note!r} is not snake_case"
        assert not same_answer(value, problem.answer, problem.spec), (
            f"{where}: {note} equals the answer"
        )


def _seed_count(exercise: Exercise) -> int:
    start = time.perf_counter()
    for seed in range(3):
        instantiate(exercise, seed, difficulty=max(exercise.difficulties))
    per = (time.perf_counter() - start) / 3
    return max(MIN_SEEDS, min(SEEDS, int(BUDGET_S / max(per, 1e-9))))


@pytest.mark.parametrize("exercise", registry.all_exercises(), ids=lambda e: e.id)
@pytest.mark.parametrize("lang", LANGS)
def test_exercise_contract(exercise: Exercise, lang: str) -> None:
    variants = set()
    seeds = _seed_count(exercise)
    for seed in range(seeds):
        difficulty = exercise.difficulties[seed % len(exercise.difficulties)]
        problem = instantiate(exercise, seed, difficulty=difficulty, lang=lang)
        _check(problem)
        variants.add(json.dumps(problem.params, sort_keys=True))
    few_by_nature = problem.spec.kind in ("symbolic", "choice")  # one formula / question per level
    assert few_by_nature or len(variants) >= min(10, seeds // 2), (
        f"{exercise.id}: only {len(variants)} distinct variants"
    )


@pytest.mark.parametrize("exercise", registry.all_exercises(), ids=lambda e: e.id)
def test_same_seed_same_variant_and_renders(exercise: Exercise) -> None:
    for difficulty in exercise.difficulties:
        first = instantiate(exercise, 1234, difficulty=difficulty, lang="zh")
        again = instantiate(exercise, 1234, difficulty=difficulty, lang="zh")
        assert problem_to_json(first) == problem_to_json(again)
        english = instantiate(exercise, 1234, difficulty=difficulty, lang="en")
        assert english.params == first.params and english.answer == first.answer
        page = problem_set_markdown([first], title="t", student_id="s", lang="zh")
        assert first.prompt in page and first.solution not in page


def test_bank_is_not_empty_and_ids_are_well_formed() -> None:
    ids = registry.names()
    assert len(ids) >= 20
    assert all(_NOTE.match(i) for i in ids)
    for exercise in registry.all_exercises():
        notes = [m.note for m in exercise.misconceptions]
        assert len(notes) == len(set(notes)), f"{exercise.id}: duplicate answer notes"
        assert exercise.title("zh") != exercise.title("en")


def test_readme_lists_exactly_the_registered_exercises() -> None:
    from pathlib import Path

    readme = (Path(registry.__file__).parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The bank", 1)[1].split("## Map from", 1)[0]
    listed = set(re.findall(r"`([a-z][a-z0-9_]*)`", table)) - {"concept_*", "symbolic_*"}
    listed = {name for name in listed if not name.endswith(".py")}
    assert listed == set(registry.names()), listed ^ set(registry.names())
    mapped = set(re.findall(r"`([a-z][a-z0-9_]*)`", readme.split("## Map from", 1)[1]))
    assert mapped <= set(registry.names()), mapped - set(registry.names())


@pytest.mark.parametrize("exercise", registry.all_exercises(), ids=lambda e: e.id)
def test_every_misconception_is_diagnosable_somewhere(exercise: Exercise) -> None:
    """A wrong rule that never differs from the answer (or never applies) is dead weight."""
    seen: set[str] = set()
    notes = {m.note for m in exercise.misconceptions}
    for seed in range(min(_seed_count(exercise), 90)):
        difficulty = exercise.difficulties[seed % len(exercise.difficulties)]
        seen |= set(
            instantiate(exercise, seed, difficulty=difficulty, lang="en").misconception_answers
        )
        if seen == notes:
            break
    assert seen == notes, f"{exercise.id}: never diagnosable: {sorted(notes - seen)}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    exercise=st.sampled_from(registry.all_exercises()),
    seed=st.integers(min_value=0, max_value=2**64 - 1),
    level=st.integers(min_value=0, max_value=2),
    lang=st.sampled_from(LANGS),
)
def test_any_64_bit_seed_builds_a_valid_variant(
    exercise: Exercise, seed: int, level: int, lang: str
) -> None:
    """Variant seeds are full 64-bit SHA-256 prefixes; every one must give a valid problem."""
    difficulty = exercise.difficulties[level % len(exercise.difficulties)]
    _check(instantiate(exercise, seed, difficulty=difficulty, lang=lang))
