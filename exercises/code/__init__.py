"""Code exercises: students write a function or an nn.Module; cases, expected outputs, known bugs."""

from cnngrade.exercises.code.core import (
    BuggyRule,
    Case,
    CaseGroup,
    CodeExercise,
    Invocation,
    ModuleExpected,
)
from cnngrade.exercises.code.registry import get, names

__all__ = [
    "BuggyRule",
    "Case",
    "CaseGroup",
    "CodeExercise",
    "Invocation",
    "ModuleExpected",
    "get",
    "names",
]
