"""Code exercises on CNN building blocks (nn.Modules, torch backend), graded ARENA-style.

Each probe builds the student's class with fixed arguments and runs it on random inputs in the
sandbox; the parent compares output shapes, the parameter count and the multiset of parametrized
layers (type, output shape, parameters) with ``reference.analysis.summarize`` of the reference block,
plus behaviour probes whose values are known without the weights (a residual block whose last BN
weight is zero is its shortcut path: ReLU(x)). The reference block is built under the probe's torch
seed, so a student block creating its layers in the same order has the same weights and must give
the same outputs: a match proves it right whatever it calls its layers or how it pools.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.code._common import arrays, draw_seed
from cnngrade.exercises.code.core import Case, CaseGroup, CodeExercise, Invocation, ModuleExpected, Params
from cnngrade.exercises.core import Text

STRUCTURAL = ("Conv2d", "Linear", "BatchNorm2d", "MaxPool2d", "AvgPool2d")
#: Activation layers: a student's block may apply each at most as often as the reference does
#: (fewer is fine: torch.relu / F.sigmoid in forward are not layers).
ACTIVATIONS = (
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid",
    "Tanh", "Hardtanh", "Hardsigmoid", "Hardswish", "Softplus", "Softmax", "LogSoftmax",
)  # fmt: skip


def _reference_block(name: str, init: dict[str, Any]) -> torch.nn.Module:
    from cnngrade.reference import models

    if name == "LeNet":
        return models.get("lenet5")
    if name == "VGGBlock":
        return models.vgg_block(init["num_convs"], init["in_channels"], init["out_channels"])
    if name == "Residual":
        return models.Residual(init["in_channels"], init["out_channels"], stride=init.get("stride", 1),
                               use_1x1conv=init.get("use_1x1conv", False))  # fmt: skip
    if name == "Inception":
        return models.Inception(
            init["in_channels"], init["c1"], tuple(init["c2"]), tuple(init["c3"]), init["c4"]
        )
    if name == "DenseBlock":
        return models.DenseBlock(
            init["num_convs"], init["in_channels"], init["num_channels"], bn_size=None
        )
    return models.transition_block(init["in_channels"], init["num_channels"])


def _expected(entry: str):
    def expected(p: Params, inv: Invocation) -> ModuleExpected:
        from cnngrade.reference.analysis.summary import summarize

        with torch.random.fork_rng(devices=[]):  # the reference's init must not touch global state
            torch.manual_seed(inv.seed)  # as the child seeds before building the student's block
            block = _reference_block(entry, dict(inv.init_kwargs)).eval()
            table = summarize(block, inv.inputs[0].shape)
            block = block.double()
            with torch.no_grad():
                outs = [block(torch.from_numpy(x).double()) for x in inv.inputs]
        rows = table[table["module"].isin(STRUCTURAL)]
        layers = tuple(
            sorted(
                (str(r.module), tuple(r.output_shape), int(r.parameters)) for r in rows.itertuples()
            )
        )
        values = tuple(
            np.maximum(x, 0).astype(np.float64) if p.get("probe") == "identity" else None
            for x in inv.inputs
        )
        activations = Counter(str(m) for m in table["module"] if m in ACTIVATIONS)
        return ModuleExpected(
            shapes=tuple(tuple(o.shape) for o in outs), values=values,
            parameters=int(table.attrs["totals"]["declared_parameters"]), layers=layers,
            activations=tuple(sorted(activations.items())),
            seeded=None if inv.actions else tuple(o.numpy() for o in outs),
        )  # fmt: skip

    return expected


def _build(p: Params) -> Invocation:
    inputs = tuple(arrays(p["seed"], [tuple(s) for s in p["inputs"]]))
    actions = ("zero_last_batchnorm_weight",) if p.get("probe") == "identity" else ()
    return Invocation(
        init_kwargs=dict(p["init"]), inputs=inputs, actions=actions, mode="eval", seed=p["seed"]
    )


def _cases_from(table: list[tuple[str, dict[str, Any], list[tuple[int, ...]], str]]):
    def cases(rng: np.random.Generator) -> list[Case]:
        return [Case(g, {"init": init, "inputs": [list(s) for s in shapes], "probe": probe, "seed": draw_seed(rng)})
                for g, init, shapes, probe in table]  # fmt: skip

    return cases


def _shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Fewer probe inputs (a module's constructor arguments are the exercise's, not shrunk)."""
    return [{**p, "inputs": p["inputs"][:1]}] if len(p["inputs"]) > 1 else []


def _module(id_: str, entry: str, title: Text, statement: Text, table, groups) -> CodeExercise:
    return CodeExercise(
        id=id_, topic="architectures", title=title, statement=statement, entry=entry, kind="module",
        backend="torch", groups=groups, cases=_cases_from(table), build=_build, expected=_expected(entry),
        shrink=_shrink, forbidden_modules=("scipy.signal", "scipy.ndimage", "torchvision", "reference"),
        seconds_per_case=20.0,
    )  # fmt: skip


_SHAPES = CaseGroup("shapes", 2.0, Text("output shapes", "输出形状"))
_STRUCT = CaseGroup(
    "structure", 2.0, Text("parameters and layers on other sizes", "其他尺寸下的参数与层")
)

LENET = _module(
    "lenet", "LeNet", Text("LeNet (the course's version)", "LeNet（课程版本）"),
    Text("Write `class LeNet(nn.Module)` with `LeNet()`: input (N, 1, 28, 28); Conv2d(1, 6, 5, padding=2), "
         "Sigmoid, AvgPool2d(2, 2), Conv2d(6, 16, 5), Sigmoid, AvgPool2d(2, 2), Flatten, Linear(400, 120), "
         "Sigmoid, Linear(120, 84), Sigmoid, Linear(84, 10). Output (N, 10).",
         "实现 `class LeNet(nn.Module)`，构造为 `LeNet()`：输入 (N, 1, 28, 28)；Conv2d(1, 6, 5, padding=2)、Sigmoid、"
         "AvgPool2d(2, 2)、Conv2d(6, 16, 5)、Sigmoid、AvgPool2d(2, 2)、Flatten、Linear(400, 120)、Sigmoid、"
         "Linear(120, 84)、Sigmoid、Linear(84, 10)。输出 (N, 10)。"),
    [("shapes", {}, [(1, 1, 28, 28), (3, 1, 28, 28)], ""), ("structure", {}, [(2, 1, 28, 28)], "")],
    (_SHAPES, _STRUCT),
)  # fmt: skip

VGG_BLOCK = _module(
    "vgg_block", "VGGBlock", Text("A VGG block", "VGG 块"),
    Text("Write `class VGGBlock(nn.Module)` with `VGGBlock(num_convs, in_channels, out_channels)`: num_convs x "
         "(Conv2d 3x3, padding 1, with bias; ReLU), then MaxPool2d(2, 2). (N, C_in, H, W) -> (N, C_out, H//2, W//2).",
         "实现 `class VGGBlock(nn.Module)`，构造为 `VGGBlock(num_convs, in_channels, out_channels)`：num_convs 个"
         "（3x3 卷积、padding 1、带偏置；ReLU），然后 MaxPool2d(2, 2)。(N, C_in, H, W) -> (N, C_out, H//2, W//2)。"),
    [("shapes", {"num_convs": 1, "in_channels": 3, "out_channels": 8}, [(2, 3, 8, 8), (1, 3, 6, 10)], ""),
     ("structure", {"num_convs": 2, "in_channels": 4, "out_channels": 6}, [(1, 4, 7, 9)], ""),
     ("structure", {"num_convs": 3, "in_channels": 2, "out_channels": 4}, [(2, 2, 6, 6)], "")],
    (_SHAPES, _STRUCT),
)  # fmt: skip

RESIDUAL = _module(
    "residual", "Residual", Text("A residual block", "残差块"),
    Text("Write `class Residual(nn.Module)` with `Residual(in_channels, out_channels, use_1x1conv=False, stride=1)`: "
         "y = BN(conv3x3(ReLU(BN(conv3x3_stride(x))))) with convs padding 1 and no bias (BN follows); shortcut = x, "
         "or with use_1x1conv a 1x1 conv (stride, no bias) + BN; output ReLU(y + shortcut).",
         "实现 `class Residual(nn.Module)`，构造为 `Residual(in_channels, out_channels, use_1x1conv=False, stride=1)`："
         "y = BN(conv3x3(ReLU(BN(conv3x3_stride(x)))))，卷积 padding 1 且无偏置（后接 BN）；捷径为 x，或在 use_1x1conv "
         "时为 1x1 卷积（stride，无偏置）+ BN；输出 ReLU(y + shortcut)。"),
    [("shapes", {"in_channels": 3, "out_channels": 3}, [(2, 3, 6, 6)], ""),
     ("shapes", {"in_channels": 3, "out_channels": 6, "use_1x1conv": True, "stride": 2}, [(2, 3, 7, 7)], ""),
     ("structure", {"in_channels": 4, "out_channels": 4, "use_1x1conv": True}, [(1, 4, 5, 6)], ""),
     ("behaviour", {"in_channels": 3, "out_channels": 3}, [(2, 3, 5, 5)], "identity")],
    (_SHAPES, _STRUCT, CaseGroup("behaviour", 1.0, Text("last BN weight zero: the block is ReLU(x)",
                                                       "最后一个 BN 权重为零：块等于 ReLU(x)"))),
)  # fmt: skip

INCEPTION = _module(
    "inception", "Inception", Text("An Inception block", "Inception 块"),
    Text("Write `class Inception(nn.Module)` with `Inception(in_channels, c1, c2, c3, c4)` (c2, c3 pairs), d2l style: "
         "paths 1x1 conv (c1) | 1x1 (c2[0]) -> 3x3 pad 1 (c2[1]) | 1x1 (c3[0]) -> 5x5 pad 2 (c3[1]) | 3x3 max pool "
         "stride 1 pad 1 -> 1x1 (c4); every conv with bias and ReLU; concatenate on channels.",
         "实现 `class Inception(nn.Module)`，构造为 `Inception(in_channels, c1, c2, c3, c4)`（c2、c3 为二元组），d2l 风格："
         "路径 1x1 卷积 (c1) | 1x1 (c2[0]) -> 3x3 pad 1 (c2[1]) | 1x1 (c3[0]) -> 5x5 pad 2 (c3[1]) | 3x3 最大池化 "
         "stride 1 pad 1 -> 1x1 (c4)；每个卷积带偏置并接 ReLU；在通道维拼接。"),
    [("shapes", {"in_channels": 4, "c1": 2, "c2": (3, 4), "c3": (1, 2), "c4": 2}, [(2, 4, 6, 5)], ""),
     ("structure", {"in_channels": 6, "c1": 4, "c2": (2, 6), "c3": (2, 3), "c4": 1}, [(1, 6, 7, 7)], "")],
    (_SHAPES, _STRUCT),
)  # fmt: skip

DENSE_BLOCK = _module(
    "dense_block", "DenseBlock", Text("A dense block", "稠密块"),
    Text("Write `class DenseBlock(nn.Module)` with `DenseBlock(num_convs, in_channels, num_channels)`: num_convs conv "
         "blocks (BatchNorm2d, ReLU, Conv2d 3x3 padding 1 without bias), block i reading the concatenation (on "
         "channels) of the block input and every earlier block's output; the output is that concatenation, with "
         "in_channels + num_convs * num_channels channels.",
         "实现 `class DenseBlock(nn.Module)`，构造为 `DenseBlock(num_convs, in_channels, num_channels)`：num_convs 个卷积块"
         "（BatchNorm2d、ReLU、3x3 卷积 padding 1 无偏置），第 i 个块的输入是块输入与之前所有块输出在通道维的拼接；"
         "输出即该拼接，通道数为 in_channels + num_convs * num_channels。"),
    [("shapes", {"num_convs": 2, "in_channels": 3, "num_channels": 4}, [(2, 3, 6, 6), (1, 3, 5, 7)], ""),
     ("structure", {"num_convs": 3, "in_channels": 2, "num_channels": 3}, [(1, 2, 5, 7)], "")],
    (_SHAPES, _STRUCT),
)  # fmt: skip

TRANSITION_BLOCK = _module(
    "transition_block", "transition_block", Text("A transition block", "过渡层"),
    Text("Write `transition_block(in_channels, num_channels)` returning an nn.Module (e.g. nn.Sequential): "
         "BatchNorm2d, ReLU, Conv2d 1x1 without bias (in_channels -> num_channels), AvgPool2d(2, stride 2).",
         "实现 `transition_block(in_channels, num_channels)`，返回一个 nn.Module（如 nn.Sequential）：BatchNorm2d、ReLU、"
         "1x1 卷积无偏置（in_channels -> num_channels）、AvgPool2d(2, stride 2)。"),
    [("shapes", {"in_channels": 6, "num_channels": 3}, [(2, 6, 8, 8), (1, 6, 7, 5)], ""),
     ("structure", {"in_channels": 10, "num_channels": 4}, [(1, 10, 6, 6)], "")],
    (_SHAPES, _STRUCT),
)  # fmt: skip

EXERCISES = (LENET, VGG_BLOCK, RESIDUAL, INCEPTION, DENSE_BLOCK, TRANSITION_BLOCK)
