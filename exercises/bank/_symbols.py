"""Shared pieces of the symbolic exercises: symbol domains, the answer spec, sympy symbols by name."""

from __future__ import annotations

import sympy

from cnngrade.exercises.core import AnswerSpec, Misconception, Params, Text

#: Symbol name → (sympy assumptions, AnswerSpec domain).
DOMAINS = {
    "C_in": "positive_integer",
    "C_out": "positive_integer",
    "k": "positive_integer",
    "k_h": "positive_integer",
    "k_w": "positive_integer",
    "g": "positive_integer",
    "n": "positive_integer",
    "s": "positive_integer",
    "d": "positive_integer",
    "p": "nonnegative_integer",
}


def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol of a name, with the assumptions of its domain.

    >>> symbol("p").is_nonnegative, symbol("k").is_positive
    (True, True)
    """
    if DOMAINS[name] == "nonnegative_integer":
        return sympy.Symbol(name, integer=True, nonnegative=True)
    return sympy.Symbol(name, integer=True, positive=True)


def spec_for(names: list[str]) -> AnswerSpec:
    return AnswerSpec(kind="symbolic", symbols=tuple((name, DOMAINS[name]) for name in names))


def spec_of(p: Params) -> AnswerSpec:
    return spec_for(p["symbols"])


def symbols_of(p: Params) -> dict[str, sympy.Symbol]:
    return {name: symbol(name) for name in p["symbols"]}


def mis(note: str, en: str, zh: str, rule) -> Misconception:
    """A misconception from its note, its two feedback sentences and its rule."""
    return Misconception(note, Text(en, zh), rule)
