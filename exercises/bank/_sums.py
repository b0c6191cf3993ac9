"""Counting exercises as sums of named terms: parameters, MACs, neurons.

A family describes a variant as a list of :class:`Term` (a bilingual label, the formula with the
numbers substituted, the value from ``reference.analysis.counts``). The answer is the sum; the
worked solution lists the terms and adds them; a misconception is the same term list built with
one wrong switch (``bias=False``, ``groups ignored`` ...), so every wrong rule is one line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line, fmt_int

COUNT = AnswerSpec(kind="integer", units=True)
TermsFn = Callable[..., "list[Term] | None"]


@dataclass(frozen=True)
class Term:
    """One summand: ``label``, its LaTeX ``formula`` (numbers substituted) and its ``value``."""

    label: Text
    formula: str
    value: int


def tex_int(value: int) -> str:
    """An integer for LaTeX math with thousands separators (``{,}`` avoids the comma's space).

    >>> tex_int(163328)
    '163{,}328'
    """
    return fmt_int(value).replace(",", "{,}")


def _equation(term: Term) -> str:
    value = tex_int(term.value)
    return value if term.formula in (value, str(term.value)) else f"{term.formula} = {value}"


def total(terms: Sequence[Term]) -> int:
    """The sum of the terms' values.

    >>> total([Term(Text("a", "甲"), "1", 1), Term(Text("b", "乙"), "2", 2)])
    3
    """
    return sum(int(t.value) for t in terms)


def sum_solution(intro: Text, terms: Sequence[Term], lang: Lang) -> str:
    """``intro``, one line per term, the sum, and the answer line."""
    lines = [intro(lang), ""]
    lines += [f"- {t.label(lang)}: ${_equation(t)}$" for t in terms]
    if len(terms) > 1:
        lines += [
            "",
            "$$" + " + ".join(tex_int(t.value) for t in terms) + f" = {tex_int(total(terms))}$$",
        ]
    return "\n".join(lines) + "\n\n" + answer_line(total(terms), COUNT, lang)


def _required(terms: list[Term] | None) -> list[Term]:
    """The right answer's terms always exist (only wrong rules may be "not applicable")."""
    if terms is None:
        raise ValueError("terms(params) returned None for the correct answer; only switches may")
    return terms


def wrong(terms: TermsFn, **switches: Any) -> Callable[[Params], int | None]:
    """A misconception rule: the total of ``terms(params, **switches)`` (None = not applicable)."""

    def rule(params: Params) -> int | None:
        built = terms(params, **switches)
        return None if built is None else total(built)

    return rule


def sum_exercise(
    id: str,
    topic: str,
    title: Text,
    generate: Callable[..., dict[str, Any]],
    ask: Callable[[Params, Lang], str],
    intro: Text | Callable[[Params], Text],
    terms: TermsFn,
    misconceptions: Sequence[tuple[str, Text, dict[str, Any]]],
) -> Exercise:
    """An Exercise whose answer is ``total(terms(params))``; misconceptions are ``(note, feedback, switches)``.

    ``intro`` opens the worked solution; it may be a function of the params.
    """
    return Exercise(
        id=id,
        topic=topic,
        title=title,
        generate=generate,
        prompt=ask,
        answer=lambda params: total(_required(terms(params))),
        solution=lambda params, lang: sum_solution(
            intro if isinstance(intro, Text) else intro(params), _required(terms(params)), lang
        ),
        spec=COUNT,
        misconceptions=tuple(
            Misconception(note, text, wrong(terms, **kw)) for note, text, kw in misconceptions
        ),
    )
