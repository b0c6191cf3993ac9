"""Judge one case of a function exercise: the sandbox's result against the reference's expected output.

One clear line per case, in the student's language: shape mismatch with both shapes; first differing
index with both values; NaN/inf; timed out; out of memory; forbidden API; the exception with its line;
an input modified in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cnngrade.exercises.code.core import CodeExercise
from cnngrade.exercises.core import Text
from cnngrade.grader.sandbox.api import CallResult
from cnngrade.reference.compare import Comparison, compare

#: Statuses that are the student's code failing a case in a way worth shrinking.
SHRINKABLE = ("wrong", "shape", "nonfinite", "exception", "invalid_output", "mutated_input")


@dataclass(frozen=True)
class CaseOutcome:
    """How one case went. ``status``: ``passed`` or a failure kind (see :data:`SHRINKABLE`,
    plus ``timeout``, ``memory``, ``forbidden``, ``crashed``, ``not_run``)."""

    group: str
    params: dict[str, Any]
    status: str
    message: Text
    seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    actual: tuple[np.ndarray, ...] = ()
    expected: tuple[Any, ...] = ()
    call: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def category(self) -> str:
        """``exception`` or ``wrong`` (what a shrunk case must keep showing)."""
        return "exception" if self.status == "exception" else "wrong"


def describe_call(exercise: CodeExercise, inv) -> str:
    """The call a case makes, with shapes for arrays: ``x (2, 3, 5, 5), weight (4, 3, 3, 3), stride=2``.

    >>> from exercises.code import get
    >>> ex = get("corr2d")
    >>> describe_call(ex, ex.build({"H": 3, "W": 4, "kh": 2, "kw": 2, "ints": True, "seed": 0}))
    'X (3, 4), K (2, 2)'
    """

    def show(v: Any) -> str:
        return str(tuple(v.shape)) if isinstance(v, np.ndarray) else repr(v)

    if exercise.kind == "module":
        init = ", ".join(f"{k}={v!r}" for k, v in inv.init_kwargs.items())
        return f"{exercise.entry}({init}) on inputs " + ", ".join(show(x) for x in inv.inputs)
    names = list(exercise.arg_names) + [f"arg{i}" for i in range(len(inv.args))]
    parts = [
        f"{n} {show(v)}" if isinstance(v, np.ndarray) else f"{n}={v!r}"
        for n, v in zip(names, inv.args, strict=False)
    ]
    return ", ".join(parts + [f"{k}={show(v)}" for k, v in inv.kwargs.items()])


def tolerance(exercise: CodeExercise, expected: np.ndarray) -> tuple[float, float]:
    """``(rtol, atol)``: atol scales with the output's magnitude (float32 sums of large terms).

    >>> from exercises.code import get
    >>> tolerance(get("corr2d"), np.array([100.0, -3.0]))
    (0.0001, 0.001)
    """
    scale = float(np.max(np.abs(expected))) if expected.size else 1.0
    scale = scale if np.isfinite(scale) else 1.0
    return exercise.rtol, exercise.atol * max(1.0, scale)


def compare_outputs(exercise: CodeExercise, actual, expected) -> tuple[Comparison, str]:
    """The first failing comparison of several outputs (or the last ok one) and its output name."""
    result = Comparison("ok", "no outputs")
    name = exercise.output_names[0]
    for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
        name = exercise.output_names[i] if i < len(exercise.output_names) else f"output {i}"
        rtol, atol = tolerance(exercise, np.asarray(e))
        result = compare(a, e, rtol=rtol, atol=atol, name=name)
        if not result.ok:
            return result, name
    return result, name


def _exception_line(result: CallResult) -> Text:
    """``raised IndexError at line 12: ...`` from the sandbox's message (or ``Type: text``) and traceback."""
    message = result.message or "an exception"
    parsed = re.match(r"raised ([\w.]+)(?: at line (\d+))?: ?(.*)", message, re.DOTALL)
    if parsed:
        kind, line, text = parsed.group(1), parsed.group(2), parsed.group(3)
    else:
        kind, _, text = message.partition(": ")
        if not (text and re.fullmatch(r"[A-Za-z_][\w.]*", kind)):  # not "Type: text": keep it whole
            return Text(message, message)
        line = None
    if line is None:
        lines = re.findall(r"line (\d+)", result.traceback or "")
        line = lines[-1] if lines else None
    where_en, where_zh = (f" at line {line}", f"（第 {line} 行）") if line else ("", "")
    return Text(f"raised {kind}{where_en}: {text}", f"抛出 {kind}{where_zh}：{text}")


def _mutated_line(exercise: CodeExercise, result: CallResult) -> Text:
    names = []
    for m in result.mutated:
        digits = re.findall(r"\d+", m)
        if digits and int(digits[0]) < len(exercise.arg_names) and not m.isidentifier():
            names.append(exercise.arg_names[int(digits[0])])
        else:
            names.append(m)
    shown = ", ".join(names) or "an input"
    return Text(
        f"modified its input {shown} in place (torch.nn.functional never does): work on a copy",
        f"就地修改了输入 {shown}（torch.nn.functional 从不这样做）：请在副本上计算",
    )


def _status_text(exercise: CodeExercise, result: CallResult, limit_s: float) -> tuple[str, Text]:
    status = result.status
    if status == "exception":
        return "exception", _exception_line(result)
    if status == "timeout":
        return "timeout", Text(f"timed out after {limit_s:g} s", f"超时（{limit_s:g} 秒）")
    if status == "memory":
        return "memory", Text("ran out of memory", "内存不足")
    if status == "forbidden":
        msg = result.message or "a forbidden API"
        return "forbidden", Text(f"{msg}", f"使用了本题禁止的 API：{msg}")
    if status == "mutated_input":
        return "mutated_input", _mutated_line(exercise, result)
    if status == "invalid_output":
        return "invalid_output", Text(
            f"returned something that is not a numeric array of the expected count: {result.message}",
            f"返回值不是所需数量的数值数组：{result.message}",
        )
    return "crashed", Text(
        f"the run stopped ({status}): {result.message}", f"运行中止（{status}）：{result.message}"
    )


def _comparison_text(c: Comparison, name: str) -> tuple[str, Text]:
    if c.stage == "shape":
        shapes = re.findall(r"\([\d, ]*\)", c.message)
        got, want = (shapes + ["?", "?"])[:2]
        return "shape", Text(
            f"{name}: expected shape {want}, got {got}", f"{name}：期望形状 {want}，实际 {got}"
        )
    if c.stage == "nonfinite":
        return "nonfinite", Text(
            f"{name} has NaN/inf: first at index {c.index}, value {c.actual_value}",
            f"{name} 含 NaN/inf：首个在下标 {c.index}，值为 {c.actual_value}",
        )
    got, want = f"{c.actual_value:.6g}", f"{c.expected_value:.6g}"
    return "wrong", Text(
        f"{name} differs at {c.mismatched} of {c.total} positions; first at index {c.index}: "
        f"expected {want}, got {got}",
        f"{name} 有 {c.mismatched}/{c.total} 个位置不同；首个在下标 {c.index}：期望 {want}，实际 {got}",
    )


def judge(
    exercise: CodeExercise, group: str, params: dict, result: CallResult, expected, limit_s: float
) -> CaseOutcome:
    """The outcome of one function case (``expected``: the reference's outputs, float64)."""
    base = {
        "group": group,
        "params": dict(params),
        "seconds": result.seconds,
        "expected": tuple(expected),
    }
    if not result.ok:
        status, text = _status_text(exercise, result, limit_s)
        detail = {"traceback": result.traceback} if result.traceback else {}
        return CaseOutcome(
            status=status, message=text, detail=detail, actual=result.outputs, **base
        )
    if len(result.outputs) != len(expected):
        text = Text(f"returned {len(result.outputs)} arrays, expected {len(expected)}",
                    f"返回了 {len(result.outputs)} 个数组，应为 {len(expected)} 个")  # fmt: skip
        return CaseOutcome(status="invalid_output", message=text, actual=result.outputs, **base)
    comparison, name = compare_outputs(exercise, result.outputs, expected)
    if comparison.ok:
        return CaseOutcome(
            status="passed", message=Text("passed", "通过"), actual=result.outputs, **base
        )
    status, text = _comparison_text(comparison, name)
    detail = {"stage": comparison.stage, "index": comparison.index, "output": name}
    return CaseOutcome(status=status, message=text, detail=detail, actual=result.outputs, **base)
