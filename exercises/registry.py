"""The exercise bank: every module in ``exercises/bank`` that defines ``EXERCISES`` is registered.

Adding a family is adding a module; nothing else needs editing.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from cnngrade.exercises.core import Exercise


@cache
def _bank() -> dict[str, Exercise]:
    import cnngrade.exercises.bank as bank_pkg

    found: dict[str, Exercise] = {}
    for info in sorted(pkgutil.iter_modules(bank_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"cnngrade.exercises.bank.{info.name}")
        for exercise in getattr(module, "EXERCISES", ()):
            if exercise.id in found:
                raise ValueError(f"exercise id {exercise.id!r} is defined twice (in {info.name})")
            found[exercise.id] = exercise
    return found


def names() -> list[str]:
    """Every registered exercise id, sorted."""
    return sorted(_bank())


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; a ValueError lists close ids when it is unknown."""
    bank = _bank()
    if exercise_id not in bank:
        import difflib

        close = difflib.get_close_matches(exercise_id, bank, n=3)
        hint = (
            f"; did you mean {', '.join(close)}?" if close else "; `cnngrade list` shows them all"
        )
        raise ValueError(f"unknown exercise id {exercise_id!r}{hint}")
    return bank[exercise_id]


def all_exercises() -> list[Exercise]:
    return [_bank()[name] for name in names()]
