"""The code-exercise model: what a student writes, how its cases are drawn, and what is expected.

A :class:`CodeExercise` is plain data plus small functions. ``cases(rng)`` draws JSON-serializable
case parameters (sizes, stride, padding, a data ``seed`` ...); ``build(params)`` turns them into the
inputs handed to the student's code (an :class:`Invocation`); ``expected(params, invocation)``
computes the right outputs **in the grader's process** with ``reference/`` (never in the child);
``shrink(params)`` proposes simpler parameter sets for counterexample shrinking. ``buggy_rules`` are
the outputs a student with a known bug would produce ("buggy rules", as STACK calls them): when the
student's output matches one, its feedback becomes the hint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from cnngrade.exercises.core import Text

Params = Mapping[str, Any]

#: Default tolerances: float32 accumulation passes, float16 accumulation does not.
RTOL = 1e-4
ATOL = 1e-5


@dataclass(frozen=True)
class Case:
    """One test case: its group (for points) and its JSON-serializable parameters (incl. ``seed``).

    >>> Case("basic", {"N": 1, "seed": 3}).params["N"]
    1
    """

    group: str
    params: dict[str, Any]


@dataclass(frozen=True)
class CaseGroup:
    """A group of cases sharing points, e.g. ``stride`` cases worth 2 points."""

    name: str
    points: float
    description: Text


@dataclass(frozen=True)
class Invocation:
    """What the child receives for one case (inputs only, never expected outputs).

    Functions: ``entry(*args, **kwargs)`` returning ``outputs`` arrays (``arg_names`` label ``args``
    in feedback). Modules: ``entry(*args)`` for the first argument list of ``alternatives`` that the
    student's signature accepts (the statement's, then d2l's lazy one without ``in_channels``),
    run on ``inputs`` in each of ``modes`` with the reference's weights; ``init_kwargs`` name the
    statement's arguments for feedback.
    """

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    outputs: int = 1
    init_kwargs: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[np.ndarray, ...] = ()
    seed: int = 0
    alternatives: tuple[tuple[Any, ...], ...] = ()
    modes: tuple[str, ...] = ("eval",)


@dataclass(frozen=True)
class ModuleExpected:
    """A module probe's reference side: the invocation whose reference blocks (one per accepted
    convention, ``CodeExercise.references``) the grader builds, weights and runs itself."""

    invocation: Invocation


@dataclass(frozen=True)
class BuggyRule:
    """A known bug: ``outputs(params, invocation)`` is what the buggy code returns (None: n/a)."""

    note: str
    feedback: Text
    outputs: Callable[[Params, Invocation], tuple[np.ndarray, ...] | None]


@dataclass(frozen=True)
class CodeExercise:
    """A code exercise: the student writes ``entry`` (a function or an ``nn.Module`` class).

    ``forbidden_*`` are plain names (the grader turns them into a sandbox ``Forbidden``):
    dotted API names, importable modules and aten op names refused at run time.
    """

    id: str
    topic: str
    title: Text
    statement: Text
    entry: str
    kind: Literal["function", "module"]
    backend: Literal["numpy", "torch"]
    groups: tuple[CaseGroup, ...]
    cases: Callable[[np.random.Generator], list[Case]]
    build: Callable[[Params], Invocation]
    expected: Callable[[Params, Invocation], Any]
    shrink: Callable[[Params], list[dict[str, Any]]]
    arg_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ("output",)
    rtol: float = RTOL
    atol: float = ATOL
    forbidden_names: tuple[str, ...] = ()
    forbidden_modules: tuple[str, ...] = ("scipy.signal", "scipy.ndimage")
    forbidden_aten_ops: tuple[str, ...] = ()
    buggy_rules: tuple[BuggyRule, ...] = ()
    seconds_per_case: float = 2.0
    features: Callable[[Params], tuple[str, ...]] | None = None
    #: modules: ``references(convention, args)`` builds the reference block of that convention
    references: Callable[[str, tuple[Any, ...]], Any] | None = None
    #: modules: the accepted conventions, e.g. ``("d2l", "paper")`` (a manifest may narrow them)
    conventions: tuple[str, ...] = ()
    #: the textbook's own names for ``entry`` (d2l's ``vgg_block`` function, its module-level ``net``):
    #: a file that defines one of these and not ``entry`` is graded through it
    textbook_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("function", "module"):
            raise ValueError(f"kind must be 'function' or 'module', got {self.kind!r}")
        if self.backend not in ("numpy", "torch"):
            raise ValueError(f"backend must be 'numpy' or 'torch', got {self.backend!r}")
        if not self.groups:
            raise ValueError(f"exercise {self.id!r} needs at least one CaseGroup")

    @property
    def max_score(self) -> float:
        return float(sum(g.points for g in self.groups))

    def group(self, name: str) -> CaseGroup:
        for g in self.groups:
            if g.name == name:
                return g
        raise ValueError(f"exercise {self.id!r} has no case group {name!r}; add it to groups")
