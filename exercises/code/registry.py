"""The code exercises: every family module's ``EXERCISES`` tuple, by id."""

from __future__ import annotations

from functools import cache

from cnngrade.exercises.code.core import CodeExercise

_FAMILIES = (
    "conv",
    "conv_backward",
    "transpose",
    "pooling",
    "pooling_backward",
    "recurrent",
    "modules",
)


@cache
def _all() -> dict[str, CodeExercise]:
    import importlib

    found: dict[str, CodeExercise] = {}
    for family in _FAMILIES:
        module = importlib.import_module(f"cnngrade.exercises.code.{family}")
        for exercise in module.EXERCISES:
            if exercise.id in found:
                raise ValueError(f"code exercise id {exercise.id!r} is defined twice (in {family})")
            found[exercise.id] = exercise
    return found


def names() -> list[str]:
    """Every code exercise id, sorted.

    >>> "conv2d" in names()
    True
    """
    return sorted(_all())


def get(exercise_id: str) -> CodeExercise:
    """The code exercise with this id; ``"<id>:<convention>"`` narrows a module exercise to one
    accepted convention (a manifest's ``convention:``).

    >>> get("conv2d").entry
    'conv2d'
    >>> get("residual:paper").conventions
    ('paper',)
    """
    base, _, convention = exercise_id.partition(":")
    if convention and base in _all():
        from cnngrade.exercises.code.modules import with_convention

        return with_convention(_all()[base], convention)
    if exercise_id not in _all():
        raise ValueError(f"unknown code exercise {exercise_id!r}; known: {', '.join(names())}")
    return _all()[exercise_id]
