"""Shrink a failing case to the smallest configuration that still fails, and show it in full.

Greedy, like Hypothesis's shrinker but over the case's own parameters: each round asks the exercise
for simpler variants (one change each, simplest structure first), runs them all in ONE sandbox run,
and keeps the first that still fails the same way. It stops when no variant fails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.exercises.core import Text
from cnngrade.grader.code.judge import CaseOutcome

#: Judges a batch of parameter sets (one sandbox run) and returns their outcomes in order.
BatchJudge = Callable[[Sequence[dict[str, Any]]], list[CaseOutcome]]


@dataclass(frozen=True)
class ShrinkResult:
    """The smallest failing case found, its outcome and how many rounds/runs it took."""

    outcome: CaseOutcome
    invocation: Invocation
    rounds: int
    runs: int


def cost(params: dict[str, Any]) -> float:
    """How big a case is: the sum of its numeric parameters (the data seed aside); smaller is simpler.

    >>> cost({"N": 2, "H": 5, "ints": True, "seed": 99})
    8.0
    """
    return float(sum(v for k, v in params.items() if k != "seed" and isinstance(v, (int, float))))


def _combine(
    exercise: CodeExercise, params: dict[str, Any], changes: list[dict[str, Any]]
) -> dict[str, Any]:
    """Apply each change in turn while the result stays one of the exercise's valid simplifications."""
    combined = dict(params)
    for change in changes:
        trial = {**combined, **change}
        if trial != combined and trial in exercise.shrink(combined):
            combined = trial
    return combined


def shrink(
    exercise: CodeExercise, failing: CaseOutcome, judge_batch: BatchJudge, max_rounds: int = 10
) -> ShrinkResult:
    """Greedily simplify ``failing.params`` while the student's code keeps failing the same way.

    Each round runs, in ONE sandbox run, every one-change simplification of the current case plus
    the combination of all changes that failed on their own last round, and keeps the simplest
    (lowest :func:`cost`) that still fails.
    """
    current, rounds = failing, 0
    changes: list[dict[str, Any]] = []
    while rounds < max_rounds:
        params = dict(current.params)
        singles = exercise.shrink(params)
        combined = _combine(exercise, params, changes)
        proposals = ([combined] if combined != params and combined not in singles else []) + singles
        if not proposals:
            break
        outcomes = judge_batch(proposals)
        rounds += 1
        same = [o for o in outcomes if not o.passed and o.category() == failing.category()]
        if not same:
            break
        best = min(same, key=lambda o: cost(o.params))
        changes = [{k: v for k, v in o.params.items() if best.params.get(k) != v and params.get(k) != v}
                   for o in same if o is not best]  # fmt: skip
        current = best
    return ShrinkResult(current, exercise.build(current.params), rounds, rounds)


def _fmt(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size > 400:
            return f"array of shape {value.shape} (too large to show)"
        body = np.array2string(
            np.asarray(value, dtype=np.float64),
            precision=4,
            suppress_small=True,
            max_line_width=100,
        )
        return f"shape {value.shape}\n{body}"
    return repr(value)


def show(exercise: CodeExercise, result: ShrinkResult, lang: str) -> str:
    """The shrunk case in full: the call, every input, the expected and the actual outputs."""
    inv, outcome = result.invocation, result.outcome
    if exercise.kind == "module":  # the weights are random: the call and the finding say it all
        title = Text("Smallest failing probe", "最小的出错检查")(lang)  # type: ignore[arg-type]
        return f"{title}: {outcome.call}\n{outcome.message(lang)}"  # type: ignore[arg-type]
    names = list(exercise.arg_names) + [
        f"arg{i}" for i in range(len(exercise.arg_names), len(inv.args))
    ]
    shown_args = ", ".join(names[: len(inv.args)])
    shown_kwargs = "".join(f", {k}={v!r}" for k, v in inv.kwargs.items())
    title = Text("Smallest failing case", "最小的出错用例")(lang)  # type: ignore[arg-type]
    lines = [f"{title}: {exercise.entry}({shown_args}{shown_kwargs})"]
    for name, value in zip(names, inv.args, strict=False):
        lines.append(f"{name} = {_fmt(value)}")
    out_names = list(exercise.output_names)
    for label_en, label_zh, values in (
        ("expected", "期望", outcome.expected),
        ("actual", "实际", outcome.actual),
    ):
        label = label_zh if lang == "zh" else label_en
        for i, value in enumerate(values):
            name = out_names[i] if i < len(out_names) else f"output {i}"
            lines.append(f"{label} {name} = {_fmt(np.asarray(value))}")
    lines.append(outcome.message(lang))  # type: ignore[arg-type]
    return "\n".join(lines)


def as_json(exercise: CodeExercise, result: ShrinkResult) -> dict[str, Any]:
    """The shrunk case as plain data (small arrays as nested lists)."""
    inv, outcome = result.invocation, result.outcome

    def plain(v: Any) -> Any:
        return np.asarray(v).tolist() if isinstance(v, np.ndarray) else v

    return {
        "params": dict(outcome.params),
        "args": dict(zip(exercise.arg_names, (plain(a) for a in inv.args), strict=False)),
        "kwargs": {k: plain(v) for k, v in inv.kwargs.items()},
        "expected": [plain(np.asarray(e)) for e in outcome.expected],
        "actual": [plain(np.asarray(a)) for a in outcome.actual],
        "message_en": outcome.message.en,
        "rounds": result.rounds,
    }
