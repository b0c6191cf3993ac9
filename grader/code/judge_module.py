"""Judge one probe of a module exercise: output shapes, parameter count, layer structure, behaviour.

The child reports only plain facts (output arrays, a parameter count, ``LayerRecord``s); the parent
compares them with what the reference block (``reference.models``) gives for the same arguments.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from exercises.code.core import CodeExercise, ModuleExpected
from exercises.core import Text
from grader.code.judge import CaseOutcome, _status_text, compare_outputs
from grader.sandbox.api import CallResult

#: Leaf layers whose type, output shape and parameter count make up the compared structure.
STRUCTURAL = ("Conv2d", "Linear", "BatchNorm2d", "MaxPool2d", "AvgPool2d")


def layer_multiset(records) -> Counter:
    """``(type, output_shape, parameters)`` of the structural layers, as a multiset."""
    out: Counter = Counter()
    for r in records:
        kind = r.type if isinstance(r.type, str) else str(r.type)
        if kind in STRUCTURAL:
            out[(kind, tuple(int(s) for s in r.output_shape), int(r.parameters))] += 1
    return out


def _structure_text(expected: Counter, actual: Counter) -> Text | None:
    missing, extra = expected - actual, actual - expected
    if not missing and not extra:
        return None
    parts_en, parts_zh = [], []
    for (kind, shape, n), _ in list(missing.items())[:2]:
        parts_en.append(f"missing a {kind} with output {shape} and {n} parameters")
        parts_zh.append(f"缺少输出为 {shape}、参数 {n} 个的 {kind}")
    for (kind, shape, n), _ in list(extra.items())[:2]:
        if not shape:  # the child saw this layer built but never called
            parts_en.append(f"a {kind} ({n} parameters) that forward never uses")
            parts_zh.append(f"一个从未在 forward 中使用的 {kind}（参数 {n} 个）")
            continue
        parts_en.append(f"unexpected {kind} with output {shape} and {n} parameters")
        parts_zh.append(f"多出输出为 {shape}、参数 {n} 个的 {kind}")
    return Text(
        "layer structure differs: " + "; ".join(parts_en), "层结构不同：" + "；".join(parts_zh)
    )


def _parameter_text(got: int, expected: ModuleExpected) -> Text:
    """The parameter-count finding, naming conv biases when they explain the difference exactly."""
    text = Text(
        f"has {got} parameters, expected {expected.parameters}",
        f"参数量为 {got}，应为 {expected.parameters}",
    )
    conv_channels = sum(
        shape[1] for kind, shape, _ in expected.layers if kind == "Conv2d" and len(shape) > 1
    )
    if conv_channels and got - expected.parameters == conv_channels:
        return Text(text.en + ": your convolutions have a bias, these have none (bias=False)",
                    text.zh + "：你的卷积带偏置，本题的卷积没有偏置（bias=False）")  # fmt: skip
    if conv_channels and expected.parameters - got == conv_channels:
        return Text(text.en + ": your convolutions lack their bias", text.zh + "：你的卷积缺少偏置")
    return text


def _shape_problem(outs: tuple, expected: ModuleExpected) -> tuple[str, Text] | None:
    for i, (a, shape) in enumerate(zip(outs, expected.shapes, strict=False)):
        if tuple(np.shape(a)) != tuple(shape):
            return "shape", Text(f"output {i}: expected shape {tuple(shape)}, got {tuple(np.shape(a))}",
                                 f"输出 {i}：期望形状 {tuple(shape)}，实际 {tuple(np.shape(a))}")  # fmt: skip
    if len(outs) != len(expected.shapes):
        return "invalid_output", Text(f"returned {len(outs)} outputs, expected {len(expected.shapes)}",
                                      f"返回 {len(outs)} 个输出，应为 {len(expected.shapes)} 个")  # fmt: skip
    return None


def _behaviour_problem(
    exercise: CodeExercise, outs: tuple, expected: ModuleExpected, probe: str
) -> Text | None:
    for a, e in zip(outs, expected.values, strict=False):
        comparison = compare_outputs(exercise, (a,), (e,))[0] if e is not None else None
        if comparison is not None and not comparison.ok:
            return Text(
                f"behaviour probe {probe}: {comparison.message}",
                f"行为检查 {probe}：{comparison.message}",
            )
    return None


def judge_module(exercise: CodeExercise, group: str, params: dict, result: CallResult,
                 expected: ModuleExpected, limit_s: float) -> CaseOutcome:  # fmt: skip
    """The outcome of one module probe: output shapes, then parameters, layers, behaviour."""
    base = {"group": group, "params": dict(params), "seconds": result.seconds}
    if not result.ok:
        status, text = _status_text(exercise, result, limit_s)
        return CaseOutcome(
            status=status, message=text, detail={"traceback": result.traceback}, **base
        )
    outs = tuple(result.outputs)
    shown = tuple(
        v if v is not None else np.zeros(s)
        for v, s in zip(expected.values, expected.shapes, strict=False)
    )
    base = {**base, "actual": outs, "expected": shown}
    problem = _shape_problem(outs, expected)
    if problem is not None:
        return CaseOutcome(status=problem[0], message=problem[1], **base)
    if result.parameters is not None and result.parameters != expected.parameters:
        text = _parameter_text(result.parameters, expected)
        return CaseOutcome(status="wrong", message=text, detail={"stage": "parameters"}, **base)
    structure = _structure_text(
        Counter(dict(_as_counter(expected.layers))), layer_multiset(result.layers)
    )
    if structure is not None:
        return CaseOutcome(status="wrong", message=structure, detail={"stage": "layers"}, **base)
    behaviour = _behaviour_problem(exercise, outs, expected, str(params.get("probe", "")))
    if behaviour is not None:
        return CaseOutcome(status="wrong", message=behaviour, detail={"stage": "behaviour"}, **base)
    return CaseOutcome(status="passed", message=Text("passed", "通过"), **base)


def _as_counter(layers) -> Counter:
    return Counter(tuple(layer) for layer in layers)
