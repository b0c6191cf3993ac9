"""The exercise template model: plain frozen data shared by every exercise family and by the grader.

An exercise family is one small module that builds an :class:`Exercise` from functions
``generate(rng, difficulty) -> params``, ``prompt(params, lang)``, ``answer(params)``,
``solution(params, lang)`` and a tuple of :class:`Misconception` ("buggy rules", as STACK calls them).
:func:`instantiate` turns an exercise and a seed into a :class:`Problem`: everything an answer key
needs, all JSON-serializable. Answers are always computed by ``reference/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

#: The answer types the grader knows how to parse and compare.
ANSWER_KINDS = ("integer", "number", "shape", "int_matrix", "matrix", "symbolic", "choice")

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Text:
    """A sentence in both course languages; ``text(lang)`` picks one."""

    en: str
    zh: str

    def __call__(self, lang: Lang) -> str:
        if lang not in LANGS:
            raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
        return self.zh if lang == "zh" else self.en

    def format(self, **values: Any) -> Text:
        return Text(self.en.format(**values), self.zh.format(**values))


@dataclass(frozen=True)
class AnswerSpec:
    """How an answer is typed, compared and given partial credit.

    kind:      one of :data:`ANSWER_KINDS`.
    rtol/atol: tolerance for ``number`` and ``matrix`` (``|a - e| <= atol + rtol |e|``).
    units:     ``number``/``integer`` accept suffixes K, M, G (thousand, million, billion).
    symbols:   ``symbolic``: ``(name, domain)`` pairs; domain is ``"positive_integer"``,
               ``"nonnegative_integer"`` or ``"positive_real"``; probing draws values from it.
    choices:   ``choice``: the options shown (the answer is the index of the right one).
    partial:   ``"none"``, ``"per_dimension"`` (shape) or ``"per_element"`` (matrix: half for the
               right shape, the rest by the fraction of right elements).
    side:      ``integer``: the answer is the side of a square (a receptive field, a kernel size),
               so ``5x5`` / ``5×5`` / ``5*5`` read as 5; unequal sides (``5x7``) are a wrong answer.
    """

    kind: str
    rtol: float = 0.0
    atol: float = 0.0
    units: bool = False
    symbols: tuple[tuple[str, str], ...] = ()
    choices: tuple[Text, ...] = ()
    partial: str = "none"
    side: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ANSWER_KINDS:
            raise ValueError(f"AnswerSpec.kind must be one of {ANSWER_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class Misconception:
    """A named wrong rule: ``rule(params)`` is the answer a student with this misconception gives.

    ``note`` is the answer note recorded for analytics (snake_case, unique within the exercise).
    """

    note: str
    feedback: Text
    rule: Callable[[Params], Any]


@dataclass(frozen=True)
class Exercise:
    """One exercise family (a template). See the module docstring for the function contracts."""

    id: str
    topic: str
    title: Text
    generate: Callable[[np.random.Generator, int], dict[str, Any]]
    prompt: Callable[[Params, Lang], str]
    answer: Callable[[Params], Any]
    solution: Callable[[Params, Lang], str]
    spec: AnswerSpec | Callable[[Params], AnswerSpec]
    misconceptions: tuple[Misconception, ...] = ()
    difficulties: tuple[int, ...] = (1, 2, 3)
    points: float = 1.0

    def answer_spec(self, params: Params) -> AnswerSpec:
        return self.spec(params) if callable(self.spec) else self.spec


@dataclass(frozen=True)
class Problem:
    """One personal variant of an exercise: the prompt a student sees and the key the grader uses.

    ``answer`` and the values of ``misconception_answers`` are in canonical JSON form: int, float,
    list of ints (shape), nested lists (matrix), ``str(sympy_expr)`` (symbolic), int index (choice).
    ``misconception_answers`` holds only the misconceptions whose answer differs from ``answer``.
    """

    exercise_id: str
    slot: str
    seed: int
    difficulty: int
    lang: Lang
    params: dict[str, Any]
    prompt: str
    answer: Any
    spec: AnswerSpec
    solution: str
    misconception_answers: dict[str, Any] = field(default_factory=dict)
    points: float = 1.0
