"""A Problem as plain JSON data and back (instructor keys, grader caches)."""

from __future__ import annotations

import dataclasses
from typing import Any

from cnngrade.exercises.core import AnswerSpec, Problem, Text


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """Everything in a Problem as plain JSON data (tuples as lists, choices as ``{"en", "zh"}``).

    Params and answers are already JSON-native (the contract test checks it), so they are shared,
    not copied: this runs once per student and problem when a class is generated.
    """
    data = {f.name: getattr(problem, f.name) for f in dataclasses.fields(problem)}
    spec = problem.spec
    data["spec"] = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
    data["spec"]["symbols"] = [list(pair) for pair in spec.symbols]
    data["spec"]["choices"] = [{"en": c.en, "zh": c.zh} for c in spec.choices]
    return data


def problem_from_json(data: dict[str, Any]) -> Problem:
    """The Problem that :func:`problem_to_json` wrote.

    >>> p = Problem("x", "x.1", 1, 1, "en", {}, "?", 3, AnswerSpec("integer"), "3")
    >>> problem_from_json(problem_to_json(p)) == p
    True
    """
    spec = dict(data["spec"])
    spec["symbols"] = tuple(tuple(pair) for pair in spec["symbols"])
    spec["choices"] = tuple(Text(**choice) for choice in spec["choices"])
    return Problem(**{**data, "spec": AnswerSpec(**spec)})
