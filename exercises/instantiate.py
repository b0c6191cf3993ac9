"""Exercise + seed → Problem: draw the parameters, compute the key, keep the misconceptions that differ.

Answers and misconception answers are converted to the canonical JSON form documented on
:class:`exercises.core.Problem` (int, float, list of ints, nested lists, ``str(sympy_expr)``, int
index). A misconception rule may return ``None`` to say "not applicable for these parameters";
a misconception whose answer equals the correct one is dropped, so the grader never diagnoses a right
answer as a misconception.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy

from cnngrade.exercises.core import LANGS, AnswerSpec, Exercise, Lang, Problem
from cnngrade.exercises.seeding import rng_for


def _plain(value: Any) -> Any:
    """Tensors, arrays and sympy numbers → Python scalars / nested lists."""
    if hasattr(value, "tolist") and not isinstance(value, (list, tuple)):
        return value.tolist()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _as_int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be an integer, got {value!r}")
    if isinstance(value, sympy.Basic):
        if not value.is_Integer:
            raise ValueError(f"{what} must be an integer, got {value!r}")
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise ValueError(f"{what} must be an integer, got {value!r}")


def _matrix(value: Any, convert: Any) -> list[list[Any]]:
    rows = _plain(value)
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise ValueError(f"a matrix answer must be a non-empty 2-D list/array, got {value!r}")
    if len({len(r) for r in rows}) != 1:
        raise ValueError(
            f"a matrix answer must be rectangular, got row lengths {[len(r) for r in rows]}"
        )
    return [[convert(x) for x in row] for row in rows]


def canonical(value: Any, spec: AnswerSpec) -> Any:
    """The canonical JSON form of an answer of kind ``spec.kind``.

    >>> canonical((1, 6, 28, 28), AnswerSpec("shape"))
    [1, 6, 28, 28]
    >>> canonical(sympy.Integer(400), AnswerSpec("integer"))
    400
    """
    kind = spec.kind
    if kind == "integer":
        return _as_int(value, "an integer answer")
    if kind == "number":
        return float(value)
    if kind == "shape":
        return [_as_int(v, "a shape entry") for v in _plain(value)]
    if kind == "int_matrix":
        return _matrix(value, lambda x: _as_int(x, "an int_matrix entry"))
    if kind == "matrix":
        return _matrix(value, float)
    if kind == "symbolic":
        return str(sympy.sympify(value))
    index = _as_int(value, "a choice answer")
    if not 0 <= index < len(spec.choices):
        raise ValueError(f"choice index {index} is outside the {len(spec.choices)} choices")
    return index


def same_answer(a: Any, b: Any, spec: AnswerSpec) -> bool:
    """Whether two canonical answers are equal under the spec (tolerance for reals).

    >>> same_answer(1.0, 1.0 + 1e-12, AnswerSpec("number", rtol=1e-6))
    True
    >>> same_answer("2*k", "k + k", AnswerSpec("symbolic"))
    True
    """
    if spec.kind == "number":
        return math.isclose(a, b, rel_tol=spec.rtol, abs_tol=spec.atol)
    if spec.kind == "matrix":
        if np.shape(a) != np.shape(b):
            return False
        return bool(np.allclose(a, b, rtol=spec.rtol, atol=spec.atol))
    if spec.kind == "symbolic":
        return a == b or _same_expression(sympy.sympify(a), sympy.sympify(b))
    return a == b


_PROBES = ((2, 3, 5, 7, 11), (3, 4, 6, 9, 13), (5, 8, 12, 16, 17))


def _same_expression(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal expressions: cheap numeric probes rule most pairs out before ``simplify`` runs."""
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for probe in _PROBES:
        values = dict(zip(symbols, probe * (1 + len(symbols) // len(probe)), strict=False))
        try:
            diff = complex(sympy.N((a - b).subs(values)))
        except (TypeError, ValueError):
            break  # not a plain number at this point: let simplify decide
        if abs(diff) > 1e-9:
            return False
    return sympy.simplify(a - b) == 0


def instantiate(
    exercise: Exercise,
    seed: int,
    *,
    difficulty: int | None = None,
    lang: Lang = "zh",
    slot: str | None = None,
    points: float | None = None,
) -> Problem:
    """Build the personal variant of ``exercise`` drawn from ``seed``.

    Args: ``difficulty`` one of ``exercise.difficulties`` (default the easiest); ``lang`` zh|en;
    ``slot`` defaults to ``"<exercise id>.1"``; ``points`` to ``exercise.points``.

    >>> from exercises.registry import get
    >>> problem = instantiate(get("same_padding"), 7, lang="en")
    >>> problem.answer == problem.params["kernel"] // 2, problem.slot
    (True, 'same_padding.1')
    """
    if difficulty is None:
        difficulty = min(exercise.difficulties)
    if difficulty not in exercise.difficulties:
        raise ValueError(
            f"difficulty={difficulty!r} is not offered by {exercise.id!r}; use one of {exercise.difficulties}"
        )
    if lang not in LANGS:
        raise ValueError(f"lang={lang!r} is not supported; use one of {LANGS}")
    params = exercise.generate(rng_for(seed), difficulty)
    spec = exercise.answer_spec(params)
    answer = canonical(exercise.answer(params), spec)
    wrong: dict[str, Any] = {}
    for mis in exercise.misconceptions:
        raw = mis.rule(params)
        if raw is None:
            continue
        value = canonical(raw, spec)
        if not same_answer(value, answer, spec):
            wrong[mis.note] = value
    return Problem(
        exercise_id=exercise.id,
        slot=slot or f"{exercise.id}.1",
        seed=int(seed),
        difficulty=difficulty,
        lang=lang,
        params=params,
        prompt=exercise.prompt(params, lang),
        answer=answer,
        spec=spec,
        solution=exercise.solution(params, lang),
        misconception_answers=wrong,
        points=exercise.points if points is None else float(points),
    )
