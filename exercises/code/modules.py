"""Code exercises on CNN building blocks (nn.Modules, torch backend), judged by what they compute.

Each case builds the student's block with the statement's arguments passed by position (so any
parameter names work; d2l's lazy versions, which take no ``in_channels``, get the list without it),
gives it the weights of a reference block of each accepted convention, tied by the order in which
forward uses its parameters, and compares outputs with the reference's on random inputs, in eval
and, where a BatchNorm makes them differ, training mode. The conventions: ``d2l`` (the course's
textbook, code as the book prints it: conv biases before BN, a 1×1 shortcut without BN) and
``paper`` (torchvision's layout: no conv bias before a BN, a BN on the projection shortcut).
The grader (``grader/code/module_reference.py``) builds and runs the reference blocks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.code._common import arrays, draw_seed
from cnngrade.exercises.code.core import (
    Case,
    CaseGroup,
    CodeExercise,
    Invocation,
    ModuleExpected,
    Params,
)
from cnngrade.exercises.core import Text

#: every convention a module exercise may accept, with how statements name it
CONVENTIONS = {
    "d2l": Text("d2l's code as the book prints it", "d2l 书中原样的代码"),
    "paper": Text("the paper/torchvision layout", "论文/torchvision 的写法"),
}  # fmt: skip


def _references(entry: str):
    def build(convention: str, args: tuple[Any, ...]) -> torch.nn.Module:
        from cnngrade.reference import models
        from cnngrade.reference.models import d2l

        if entry == "LeNet":
            return models.get("lenet5")
        if entry == "VGGBlock":
            return models.vgg_block(*args)
        if entry == "Inception":
            return models.Inception(args[0], args[1], tuple(args[2]), tuple(args[3]), args[4])
        if entry == "Residual":
            n_in, n_out, use_1x1conv, stride = args
            if convention == "d2l":
                return d2l.Residual(n_in, n_out, use_1x1conv, stride)
            return models.Residual(n_in, n_out, stride=stride, use_1x1conv=use_1x1conv)
        if entry == "DenseBlock":
            if convention == "d2l":
                return d2l.DenseBlock(*args)
            return models.DenseBlock(*args, bn_size=None)
        if convention == "d2l":
            return d2l.transition_block(*args)
        return models.transition_block(*args)

    return build


def _expected(p: Params, inv: Invocation) -> ModuleExpected:
    return ModuleExpected(invocation=inv)


def _build_for(names: tuple[str, ...], lazy: tuple[str, ...], modes: tuple[str, ...]):
    """``build``: arguments in the statement's order; the alternative list drops ``lazy`` ones."""

    def build(p: Params) -> Invocation:
        init = dict(p["init"])
        args = tuple(init[n] for n in names)
        short = tuple(init[n] for n in names if n not in lazy)
        alternatives = (args, short) if short != args else (args,)
        inputs = tuple(arrays(p["seed"], [tuple(s) for s in p["inputs"]]))
        return Invocation(init_kwargs=init, inputs=inputs, seed=p["seed"], alternatives=alternatives,
                          modes=modes)  # fmt: skip

    return build


def _cases_from(table: list[tuple[str, dict[str, Any], list[tuple[int, ...]]]]):
    def cases(rng: np.random.Generator) -> list[Case]:
        return [Case(g, {"init": init, "inputs": [list(s) for s in shapes], "seed": draw_seed(rng)})
                for g, init, shapes in table]  # fmt: skip

    return cases


def _shrinker(smaller, min_side: int | None):
    """``shrink``: smaller constructor arguments first (channels, layers; the inputs follow the new
    in_channels), then fewer inputs, a batch of one, smaller images (never below ``min_side``)."""

    def shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
        inputs, init = p["inputs"], dict(p["init"])
        out = []
        for new in smaller(init):
            if new != init:
                channels = new.get("in_channels")
                shapes = [[s[0], channels if channels else s[1], *s[2:]] for s in inputs]
                out.append({**p, "init": new, "inputs": shapes})
        if len(inputs) > 1:
            out.append({**p, "inputs": inputs[:1]})
        first = inputs[0]
        if first[0] > 1:
            out.append({**p, "inputs": [[1, *first[1:]]]})
        if min_side is not None and max(first[2:]) > min_side:
            side = [max(min_side, (n + 1) // 2) for n in first[2:]]
            out.append({**p, "inputs": [[*first[:2], *side]]})
        return out

    return shrink


def _fewer(init: dict, *, layers: str | None = None, ones: tuple[str, ...] = (), pairs: tuple[str, ...] = ()) -> list[dict]:  # fmt: skip
    out = []
    if layers and init[layers] > 1:
        out.append({**init, layers: init[layers] - 1})
    smaller = {**init, **{k: 1 for k in ones}, **{k: (1, 1) for k in pairs}}
    out.append(smaller)
    return out


def _residual_smaller(init: dict) -> list[dict]:
    if init["use_1x1conv"]:
        return [{**init, "in_channels": 1, "out_channels": 1}, {**init, "stride": 1}]
    return [{**init, "in_channels": 1, "out_channels": 1}]


def _accepts(conventions: tuple[str, ...]) -> Text:
    en = " or ".join(f"`{c}` ({CONVENTIONS[c].en})" for c in conventions)
    zh = "或".join(f"`{c}`（{CONVENTIONS[c].zh}）" for c in conventions)
    return Text(f" Accepted: {en}; the block must compute exactly what one of them computes "
                "(any names, layers or functions, any creation order).",
                f" 接受：{zh}；模块的计算须与其中之一完全一致（名称、层或函数、创建顺序均不限）。")  # fmt: skip


def _module(id_: str, entry: str, title: Text, statement: Text, table, groups, *, names=(),
            lazy=(), modes=("eval", "train"), conventions=("d2l",), smaller=lambda init: [],
            min_side=None, textbook_names=()) -> CodeExercise:  # fmt: skip
    accepted = _accepts(conventions)
    return CodeExercise(
        id=id_, topic="architectures", title=title,
        statement=Text(statement.en + accepted.en, statement.zh + accepted.zh), entry=entry,
        kind="module", backend="torch", groups=groups, cases=_cases_from(table),
        build=_build_for(tuple(names), tuple(lazy), tuple(modes)), expected=_expected,
        shrink=_shrinker(smaller, min_side),
        forbidden_modules=("scipy.signal", "scipy.ndimage", "torchvision", "reference"),
        seconds_per_case=20.0, references=_references(entry), conventions=tuple(conventions),
        textbook_names=tuple(textbook_names),
    )  # fmt: skip


def with_convention(exercise: CodeExercise, convention: str) -> CodeExercise:
    """The exercise narrowed to one accepted convention (a manifest's ``convention:``).

    >>> with_convention(RESIDUAL, "paper").conventions
    ('paper',)
    >>> with_convention(LENET, "paper")
    Traceback (most recent call last):
    ...
    ValueError: convention 'paper' is not offered by 'lenet'; use one of ('d2l',)
    """
    if convention not in exercise.conventions:
        raise ValueError(f"convention {convention!r} is not offered by {exercise.id!r}; "
                         f"use one of {exercise.conventions}")  # fmt: skip
    before, after = _accepts(exercise.conventions), _accepts((convention,))
    statement = Text(exercise.statement.en.removesuffix(before.en) + after.en,
                     exercise.statement.zh.removesuffix(before.zh) + after.zh)  # fmt: skip
    return replace(exercise, conventions=(convention,), statement=statement)


_VALUES = CaseGroup("values", 2.0, Text("outputs on random inputs", "随机输入下的输出"))
_OTHER = CaseGroup(
    "other_sizes", 2.0, Text("outputs for other arguments and sizes", "其他参数与尺寸下的输出")
)

LENET = _module(
    "lenet", "LeNet", Text("LeNet (the course's version)", "LeNet（课程版本）"),
    Text("Write `class LeNet(nn.Module)` with `LeNet()`: input (N, 1, 28, 28); Conv2d(1, 6, 5, padding=2), "
         "Sigmoid, AvgPool2d(2, 2), Conv2d(6, 16, 5), Sigmoid, AvgPool2d(2, 2), Flatten, Linear(400, 120), "
         "Sigmoid, Linear(120, 84), Sigmoid, Linear(84, 10). Output (N, 10).",
         "实现 `class LeNet(nn.Module)`，构造为 `LeNet()`：输入 (N, 1, 28, 28)；Conv2d(1, 6, 5, padding=2)、Sigmoid、"
         "AvgPool2d(2, 2)、Conv2d(6, 16, 5)、Sigmoid、AvgPool2d(2, 2)、Flatten、Linear(400, 120)、Sigmoid、"
         "Linear(120, 84)、Sigmoid、Linear(84, 10)。输出 (N, 10)。"),
    [("values", {}, [(2, 1, 28, 28), (3, 1, 28, 28)]), ("other_sizes", {}, [(1, 1, 28, 28)])],
    (_VALUES, _OTHER), textbook_names=("net",),  # d2l: net = nn.Sequential(...)
)  # fmt: skip

VGG_BLOCK = _module(
    "vgg_block", "VGGBlock", Text("A VGG block", "VGG 块"),
    Text("Write `class VGGBlock(nn.Module)` with `VGGBlock(num_convs, in_channels, out_channels)`: num_convs x "
         "(Conv2d 3x3, padding 1, with bias; ReLU), then MaxPool2d(2, 2). (N, C_in, H, W) -> (N, C_out, H//2, W//2).",
         "实现 `class VGGBlock(nn.Module)`，构造为 `VGGBlock(num_convs, in_channels, out_channels)`：num_convs 个"
         "（3x3 卷积、padding 1、带偏置；ReLU），然后 MaxPool2d(2, 2)。(N, C_in, H, W) -> (N, C_out, H//2, W//2)。"),
    [("values", {"num_convs": 1, "in_channels": 3, "out_channels": 8}, [(2, 3, 8, 8), (1, 3, 6, 10)]),
     ("other_sizes", {"num_convs": 2, "in_channels": 4, "out_channels": 6}, [(1, 4, 7, 9)]),
     ("other_sizes", {"num_convs": 3, "in_channels": 2, "out_channels": 4}, [(2, 2, 6, 6)])],
    (_VALUES, _OTHER), names=("num_convs", "in_channels", "out_channels"), lazy=("in_channels",), min_side=2,
    smaller=lambda init: _fewer(init, layers="num_convs", ones=("in_channels", "out_channels")),
    textbook_names=("vgg_block",),  # d2l: def vgg_block(num_convs, in_channels, out_channels)
)  # fmt: skip

RESIDUAL = _module(
    "residual", "Residual", Text("A residual block", "残差块"),
    Text("Write `class Residual(nn.Module)` with `Residual(in_channels, out_channels, use_1x1conv=False, stride=1)` "
         "(arguments passed by position, as d2l's `Residual(input_channels, num_channels, use_1x1conv, strides)`): "
         "y = BN(conv3x3(ReLU(BN(conv3x3_stride(x))))) with convs padding 1; shortcut = x, or with use_1x1conv a 1x1 "
         "conv with the stride; output ReLU(y + shortcut). d2l: convs keep their bias, the 1x1 shortcut has no BN; "
         "paper: no conv bias (BN follows), the 1x1 shortcut is followed by a BN.",
         "实现 `class Residual(nn.Module)`，构造为 `Residual(in_channels, out_channels, use_1x1conv=False, stride=1)`"
         "（按位置传参，同 d2l 的 `Residual(input_channels, num_channels, use_1x1conv, strides)`）："
         "y = BN(conv3x3(ReLU(BN(conv3x3_stride(x)))))，卷积 padding 1；捷径为 x，或在 use_1x1conv 时为带 stride 的 "
         "1x1 卷积；输出 ReLU(y + shortcut)。d2l：卷积带偏置，1x1 捷径后无 BN；paper：卷积无偏置（后接 BN），1x1 捷径后接 BN。"),
    [("values", {"in_channels": 3, "out_channels": 3, "use_1x1conv": False, "stride": 1}, [(2, 3, 6, 6)]),
     ("values", {"in_channels": 3, "out_channels": 6, "use_1x1conv": True, "stride": 2}, [(2, 3, 7, 7)]),
     ("other_sizes", {"in_channels": 4, "out_channels": 4, "use_1x1conv": True, "stride": 1}, [(2, 4, 5, 6)]),
     ("other_sizes", {"in_channels": 2, "out_channels": 5, "use_1x1conv": True, "stride": 1}, [(3, 2, 4, 4)])],
    (_VALUES, _OTHER), names=("in_channels", "out_channels", "use_1x1conv", "stride"), lazy=("in_channels",),
    smaller=_residual_smaller, min_side=4,  # stride 2 leaves 2x2: BN in training needs > 1 value
    conventions=("d2l", "paper"),
)  # fmt: skip

INCEPTION = _module(
    "inception", "Inception", Text("An Inception block", "Inception 块"),
    Text("Write `class Inception(nn.Module)` with `Inception(in_channels, c1, c2, c3, c4)` (c2, c3 pairs), d2l style: "
         "paths 1x1 conv (c1) | 1x1 (c2[0]) -> 3x3 pad 1 (c2[1]) | 1x1 (c3[0]) -> 5x5 pad 2 (c3[1]) | 3x3 max pool "
         "stride 1 pad 1 -> 1x1 (c4); every conv with bias and ReLU; concatenate the paths in this order on channels.",
         "实现 `class Inception(nn.Module)`，构造为 `Inception(in_channels, c1, c2, c3, c4)`（c2、c3 为二元组），d2l 风格："
         "路径 1x1 卷积 (c1) | 1x1 (c2[0]) -> 3x3 pad 1 (c2[1]) | 1x1 (c3[0]) -> 5x5 pad 2 (c3[1]) | 3x3 最大池化 "
         "stride 1 pad 1 -> 1x1 (c4)；每个卷积带偏置并接 ReLU；按此顺序在通道维拼接。"),
    [("values", {"in_channels": 4, "c1": 2, "c2": (3, 4), "c3": (1, 2), "c4": 2}, [(2, 4, 6, 5)]),
     ("other_sizes", {"in_channels": 6, "c1": 4, "c2": (2, 6), "c3": (2, 3), "c4": 1}, [(1, 6, 7, 7)]),
     ("other_sizes", {"in_channels": 3, "c1": 2, "c2": (2, 2), "c3": (2, 2), "c4": 2}, [(2, 3, 5, 5)])],
    (_VALUES, _OTHER), names=("in_channels", "c1", "c2", "c3", "c4"), lazy=("in_channels",), min_side=1,
    smaller=lambda init: _fewer(init, ones=("in_channels", "c1", "c4"), pairs=("c2", "c3")),
)  # fmt: skip

DENSE_BLOCK = _module(
    "dense_block", "DenseBlock", Text("A dense block", "稠密块"),
    Text("Write `class DenseBlock(nn.Module)` with `DenseBlock(num_convs, in_channels, num_channels)`: num_convs conv "
         "blocks (BatchNorm2d, ReLU, Conv2d 3x3 padding 1), block i reading the concatenation (on channels) of the "
         "block input and every earlier block's output, input first; the output is that concatenation, with "
         "in_channels + num_convs * num_channels channels. d2l: the convs keep their bias; paper: no conv bias.",
         "实现 `class DenseBlock(nn.Module)`，构造为 `DenseBlock(num_convs, in_channels, num_channels)`：num_convs 个卷积块"
         "（BatchNorm2d、ReLU、3x3 卷积 padding 1），第 i 个块的输入是块输入与之前所有块输出在通道维的拼接（输入在前）；"
         "输出即该拼接，通道数为 in_channels + num_convs * num_channels。d2l：卷积带偏置；paper：卷积无偏置。"),
    [("values", {"num_convs": 2, "in_channels": 3, "num_channels": 4}, [(2, 3, 6, 6), (2, 3, 5, 7)]),
     ("other_sizes", {"num_convs": 3, "in_channels": 2, "num_channels": 3}, [(2, 2, 5, 7)])],
    (_VALUES, _OTHER), names=("num_convs", "in_channels", "num_channels"), lazy=("in_channels",), min_side=2,
    smaller=lambda init: _fewer(init, layers="num_convs", ones=("in_channels", "num_channels")),
    conventions=("d2l", "paper"),
)  # fmt: skip

TRANSITION_BLOCK = _module(
    "transition_block", "transition_block", Text("A transition block", "过渡层"),
    Text("Write `transition_block(in_channels, num_channels)` returning an nn.Module (e.g. nn.Sequential): "
         "BatchNorm2d, ReLU, Conv2d 1x1 (in_channels -> num_channels), AvgPool2d(2, stride 2). "
         "d2l: the conv keeps its bias; paper: no conv bias.",
         "实现 `transition_block(in_channels, num_channels)`，返回一个 nn.Module（如 nn.Sequential）：BatchNorm2d、ReLU、"
         "1x1 卷积（in_channels -> num_channels）、AvgPool2d(2, stride 2)。d2l：卷积带偏置；paper：卷积无偏置。"),
    [("values", {"in_channels": 6, "num_channels": 3}, [(2, 6, 8, 8), (2, 6, 7, 5)]),
     ("other_sizes", {"in_channels": 10, "num_channels": 4}, [(2, 10, 6, 6)])],
    (_VALUES, _OTHER), names=("in_channels", "num_channels"), lazy=("in_channels",), min_side=2,
    smaller=lambda init: _fewer(init, ones=("in_channels", "num_channels")),
    conventions=("d2l", "paper"),
)  # fmt: skip

EXERCISES = (LENET, VGG_BLOCK, RESIDUAL, INCEPTION, DENSE_BLOCK, TRANSITION_BLOCK)
