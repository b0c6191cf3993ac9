"""Judge one probe of a module exercise: output shapes, parameter count, layer structure, behaviour.

The child reports only plain facts (output arrays, a parameter count, ``LayerRecord``s); the parent
compares them with what the reference block (``reference.models``) gives for the same arguments.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from cnngrade.exercises.code.core import CodeExercise, ModuleExpected
from cnngrade.exercises.code.modules import ACTIVATIONS, STRUCTURAL
from cnngrade.exercises.core import Text
from cnngrade.grader.code.judge import CaseOutcome, _status_text, compare_outputs
from cnngrade.grader.sandbox.api import CallResult

_POOLING = ("MaxPool2d", "AvgPool2d")


def layer_multiset(records) -> Counter:
    """``(type, output_shape, parameters)`` of the structural layers, as a multiset."""
    out: Counter = Counter()
    for r in records:
        kind = r.type if isinstance(r.type, str) else str(r.type)
        if kind in STRUCTURAL:
            out[(kind, tuple(int(s) for s in r.output_shape), int(r.parameters))] += 1
    return out


def _parametrized_first(layers: Counter) -> list:
    """Layers with parameters (the telling ones) before parameter-free pooling layers."""
    return sorted(layers.items(), key=lambda item: item[0][2] == 0)


def _structure_text(expected: Counter, actual: Counter) -> Text | None:
    missing, extra = expected - actual, actual - expected
    if not missing and not extra:
        return None
    parts_en, parts_zh = [], []
    for (kind, shape, n), _ in _parametrized_first(missing)[:2]:
        parts_en.append(f"missing a {kind} with output {shape} and {n} parameters")
        parts_zh.append(f"缺少输出为 {shape}、参数 {n} 个的 {kind}")
    for (kind, shape, n), _ in _parametrized_first(extra)[:2]:
        if not shape:  # the child saw this layer built but never called
            parts_en.append(f"a {kind} ({n} parameters) that forward never uses")
            parts_zh.append(f"一个从未在 forward 中使用的 {kind}（参数 {n} 个）")
            continue
        parts_en.append(f"unexpected {kind} with output {shape} and {n} parameters")
        parts_zh.append(f"多出输出为 {shape}、参数 {n} 个的 {kind}")
    unseen = sorted({kind for kind, _, _ in missing if kind in _POOLING})
    if unseen and not any(k in _POOLING for k, _, _ in actual):  # F.max_pool2d leaves no layer
        kinds = " / ".join(f"nn.{k}" for k in unseen)
        parts_en.append(
            f"if you pool with a function in forward, use an {kinds} layer instead "
            "(the grader sees layers, not function calls)"
        )
        parts_zh.append(
            f"如果你在 forward 中用函数做池化，请改用 {kinds} 层（评分程序只能看到层，看不到函数调用）"
        )
    return Text(
        "layer structure differs: " + "; ".join(parts_en), "层结构不同：" + "；".join(parts_zh)
    )


def _activation_text(expected: ModuleExpected, records) -> Text | None:
    """An activation layer applied more often than the reference applies it (e.g. ReLU in a sigmoid
    LeNet, a sigmoid after the last Linear); fewer is fine (torch.relu in forward is no layer)."""
    want = dict(expected.activations)
    got = Counter(r.type for r in records if r.type in ACTIVATIONS and r.output_shape)
    for kind, n in sorted(got.items()):
        if n <= want.get(kind, 0):
            continue
        if kind not in want:
            shown = ", ".join(want) or "none"
            return Text(f"uses {kind} activations, which this block does not have (its activations: "
                        f"{shown})", f"使用了本模块没有的激活函数 {kind}（本模块的激活函数：{shown}）")  # fmt: skip
        return Text(f"applies {kind} {n} times, this block applies it {want[kind]} times",
                    f"{kind} 用了 {n} 次，本模块只用 {want[kind]} 次")  # fmt: skip
    return None


def _matches_seeded(exercise: CodeExercise, outs: tuple, expected: ModuleExpected) -> bool:
    """The outputs equal the reference block's built under the same seed (same layer order)."""
    if expected.seeded is None or len(outs) != len(expected.seeded):
        return False
    return compare_outputs(exercise, outs, expected.seeded)[0].ok


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
    """The outcome of one module probe: output shapes, then parameters; outputs equal to the
    reference's under the same seed pass; else layers, activations, behaviour."""
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
    structure = _structure_text(
        Counter(dict(_as_counter(expected.layers))), layer_multiset(result.layers)
    )
    if result.parameters is not None and result.parameters != expected.parameters:
        text = _parameter_text(result.parameters, expected)
        if structure is not None:  # which layers make the difference
            text = Text(f"{text.en}; {structure.en}", f"{text.zh}；{structure.zh}")
        return CaseOutcome(status="wrong", message=text, detail={"stage": "parameters"}, **base)
    if _matches_seeded(exercise, outs, expected):  # the reference's numbers: nothing else to ask
        return CaseOutcome(status="passed", message=Text("passed", "通过"), **base)
    if structure is not None:
        return CaseOutcome(status="wrong", message=structure, detail={"stage": "layers"}, **base)
    activation = _activation_text(expected, result.layers)
    if activation is not None:
        return CaseOutcome(
            status="wrong", message=activation, detail={"stage": "activations"}, **base
        )
    behaviour = _behaviour_problem(exercise, outs, expected, str(params.get("probe", "")))
    if behaviour is not None:
        return CaseOutcome(status="wrong", message=behaviour, detail={"stage": "behaviour"}, **base)
    return CaseOutcome(status="passed", message=Text("passed", "通过"), **base)


def _as_counter(layers) -> Counter:
    return Counter(tuple(layer) for layer in layers)
