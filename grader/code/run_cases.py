"""Turn case parameters into sandbox calls and run them all in ONE sandbox run.

Only inputs cross into the child (``Call`` / ``ModuleProbe``); expected outputs stay in this process.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.grader import sandbox
from cnngrade.grader.sandbox.api import Call, Limits, ModuleProbe, RunReport
from cnngrade.grader.sandbox.forbidden import Forbidden


def to_call(exercise: CodeExercise, inv: Invocation) -> Call | ModuleProbe:
    """The sandbox request for one invocation.

    >>> from cnngrade.exercises.code import get
    >>> ex = get("corr2d")
    >>> call = to_call(ex, ex.build(ex.cases(__import__("numpy").random.default_rng(0))[0].params))
    >>> (type(call).__name__, call.backend, len(call.args))
    ('Call', 'numpy', 2)
    """
    if exercise.kind == "module":  # judged against its references (module_reference)
        from cnngrade.grader.code.module_reference import module_probe

        return module_probe(exercise, inv)
    return Call(
        args=tuple(inv.args), kwargs=dict(inv.kwargs), backend=exercise.backend, outputs=inv.outputs
    )


def forbidden_of(exercise: CodeExercise) -> Forbidden:
    """The exercise's forbidden APIs as the sandbox's ``Forbidden``."""
    return Forbidden(
        names=exercise.forbidden_names,
        modules=exercise.forbidden_modules,
        aten_ops=exercise.forbidden_aten_ops,
    )


def limits_for(exercise: CodeExercise, n_calls: int, limits: Limits | None) -> Limits:
    """The given limits (or defaults) with the exercise's per-case time budget."""
    base = limits or Limits()
    per_call = min(base.wall_s_per_call, exercise.seconds_per_case)
    # a looping submission may use up a few per-case budgets, not one per case
    total = min(base.wall_s_total, 4 * per_call + 0.25 * per_call * max(1, n_calls))
    return replace(
        base, wall_s_per_call=per_call, wall_s_total=total, cpu_s_total=min(base.cpu_s_total, total)
    )


def run_invocations(
    exercise: CodeExercise,
    source: str,
    invocations: Sequence[Invocation],
    *,
    limits: Limits | None = None,
    filename: str = "submission.py",
    require_level: int | None = None,
    device: Any = None,
    hide_paths: Sequence[str] = (),
) -> RunReport:
    """Run every invocation of one submission in a single sandbox run (the child is forked once).

    ``hide_paths``: folders the child must not see besides the sandbox's defaults (the class run
    passes its output folder and the submissions folder).
    """
    calls = [to_call(exercise, inv) for inv in invocations]
    kwargs: dict[str, Any] = {
        "limits": limits_for(exercise, len(calls), limits),
        "forbidden": forbidden_of(exercise),
        "require_level": require_level,
        "filename": filename,
        "hide_paths": tuple(hide_paths),
    }
    if device is not None and "device" in inspect.signature(sandbox.run).parameters:
        kwargs["device"] = device
    return sandbox.run(source, exercise.entry, calls, **kwargs)
