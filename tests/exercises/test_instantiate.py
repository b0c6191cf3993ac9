"""instantiate: canonical answers, misconceptions kept only when they differ, input validation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
import torch

from cnngrade.exercises.core import AnswerSpec, Exercise, Misconception, Text
from cnngrade.exercises.instantiate import canonical, instantiate, same_answer


def _exercise(answer, spec, rules=()) -> Exercise:
    return Exercise(
        id="toy",
        topic="t",
        title=Text("Toy", "玩具"),
        generate=lambda rng, d: {"x": int(rng.integers(1, 100)), "d": d},
        prompt=lambda p, lang: f"x={p['x']}",
        answer=answer,
        solution=lambda p, lang: "s",
        spec=spec,
        misconceptions=tuple(
            Misconception(f"m{i}", Text("e", "z"), r) for i, r in enumerate(rules)
        ),
    )


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        (np.int64(7), AnswerSpec("integer"), 7),
        (7.0, AnswerSpec("integer"), 7),
        (torch.Size([1, 6, 28, 28]), AnswerSpec("shape"), [1, 6, 28, 28]),
        (torch.tensor([[1.0, 2.0], [3.0, 4.0]]), AnswerSpec("int_matrix"), [[1, 2], [3, 4]]),
        (np.array([[0.5, 1]]), AnswerSpec("matrix"), [[0.5, 1.0]]),
        (sympy.Symbol("k") ** 2 / 2, AnswerSpec("symbolic"), "k**2/2"),
        (1, AnswerSpec("choice", choices=(Text("a", "甲"), Text("b", "乙"))), 1),
    ],
)
def test_canonical_forms(value, spec, expected) -> None:
    out = canonical(value, spec)
    assert out == expected and type(out) is type(expected)


@pytest.mark.parametrize(
    ("value", "spec"),
    [
        (2.5, AnswerSpec("integer")),
        (True, AnswerSpec("integer")),
        ([[1, 2], [3]], AnswerSpec("int_matrix")),
        ([[1.5]], AnswerSpec("int_matrix")),
        (3, AnswerSpec("choice", choices=(Text("a", "甲"),))),
        ([1, 2.5], AnswerSpec("shape")),
    ],
)
def test_canonical_rejects_what_is_not_of_the_kind(value, spec) -> None:
    with pytest.raises(ValueError):
        canonical(value, spec)


def test_same_answer_uses_tolerances_and_symbolic_equivalence() -> None:
    assert same_answer([[1.0, 2.0]], [[1.0, 2.0 + 1e-12]], AnswerSpec("matrix", atol=1e-9))
    assert not same_answer([[1.0, 2.0]], [[1.0], [2.0]], AnswerSpec("matrix", atol=1e-9))
    assert same_answer("C*k**2/g", "k*k*C/g", AnswerSpec("symbolic"))
    assert not same_answer("floor(n/2)", "n/2", AnswerSpec("symbolic"))
    assert not same_answer(1.0, 1.1, AnswerSpec("number", rtol=0.01))


def test_misconceptions_equal_to_the_answer_or_not_applicable_are_dropped() -> None:
    ex = _exercise(
        lambda p: p["x"],
        AnswerSpec("integer"),
        rules=[lambda p: p["x"] + 1, lambda p: p["x"], lambda p: None],
    )
    problem = instantiate(ex, 5)
    assert problem.misconception_answers == {"m0": problem.answer + 1}


def test_instantiate_validates_difficulty_and_language() -> None:
    ex = _exercise(lambda p: p["x"], AnswerSpec("integer"))
    with pytest.raises(ValueError, match="difficulty=9"):
        instantiate(ex, 1, difficulty=9)
    with pytest.raises(ValueError, match="lang='fr'"):
        instantiate(ex, 1, lang="fr")  # type: ignore[arg-type]


def test_defaults_and_seed_purity() -> None:
    ex = _exercise(lambda p: p["x"], AnswerSpec("integer"))
    a, b = instantiate(ex, 99), instantiate(ex, 99, lang="en")
    assert (a.slot, a.difficulty, a.points, a.lang) == ("toy.1", 1, 1.0, "zh")
    assert a.params == b.params and instantiate(ex, 100).seed == 100
