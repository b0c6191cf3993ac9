"""Module probes judged by behaviour, with the child's probe code run in this process (no sandbox):
right blocks of every accepted convention pass, wrong ones fail with their first departure."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from cnngrade.exercises.code import get
from cnngrade.exercises.code.core import ModuleExpected
from cnngrade.exercises.code.modules import with_convention
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.code.judge_module import clean_trace, judge_module, unpack
from cnngrade.grader.code.module_explain import affine
from cnngrade.grader.code.module_reference import module_probe
from cnngrade.grader.sandbox import jobdir
from cnngrade.grader.sandbox.api import CallResult
from cnngrade.grader.sandbox.runtime import convert, probe_tie


def _probe(exercise, entry, case):
    """What the sandbox would report for ``entry`` on ``case``, run here by the child's own code."""
    inv = exercise.build(case.params)
    folder = tempfile.mkdtemp()
    try:
        encoded, _ = jobdir.prepare(folder, "", [module_probe(exercise, inv)], {})
        fd = os.open(folder, os.O_RDONLY)
        ctx = {"job_fd": fd, "inputs": convert.read_inputs(fd), "device": None, "index": 0,
               "max_output_bytes": 1 << 26, "guard": contextlib.nullcontext}  # fmt: skip
        raw = probe_tie.run_tied(entry, encoded[0], ctx)
        os.close(fd)
        packed = np.load(os.path.join(folder, "out_0_0.npy"), allow_pickle=False)
    finally:
        shutil.rmtree(folder)
    result = CallResult("ok", outputs=(packed,), parameters=raw["parameters"],
                        probe=json.loads(json.dumps(raw["probe"])))  # fmt: skip
    return judge_module(exercise, case.group, case.params, result, ModuleExpected(inv), 20.0)


def _outcomes(exercise_id: str, entry, *, convention: str | None = None):
    exercise = get(exercise_id)
    if convention is not None:
        exercise = with_convention(exercise, convention)
    return [_probe(exercise, entry, case) for case in exercise.cases(rng_for(3))]


def _assert_passes(exercise_id: str, entry, convention: str, **kw) -> None:
    for o in _outcomes(exercise_id, entry, **kw):
        assert o.status == "passed", o.message.en
        assert o.detail["convention"] == convention


def _assert_fails(exercise_id: str, entry, phrase: str, **kw) -> None:
    outcomes = _outcomes(exercise_id, entry, **kw)
    assert all(o.status != "passed" for o in outcomes)
    assert any(phrase in o.message.en for o in outcomes), [o.message.en for o in outcomes]


class LeNet(nn.Module):
    """d2l's LeNet with its layers created in another order and pooling as functions."""

    def __init__(self, act=torch.sigmoid, tail=lambda y: y):
        super().__init__()
        self.fc3, self.fc2, self.fc1 = nn.Linear(84, 10), nn.Linear(120, 84), nn.Linear(400, 120)
        self.conv2, self.conv1 = nn.LazyConv2d(16, 5), nn.Conv2d(1, 6, 5, padding=2)
        self.act, self.tail = act, tail

    def forward(self, x):
        x = F.avg_pool2d(self.act(self.conv1(x)), 2)
        x = F.avg_pool2d(self.act(self.conv2(x)), 2).flatten(1)
        return self.tail(self.fc3(self.act(self.fc2(self.act(self.fc1(x))))))


def test_lenet_any_creation_order_lazy_and_functional_pooling_passes() -> None:
    _assert_passes("lenet", LeNet, "d2l")


def test_relu_lenet_fails_naming_the_activation() -> None:
    relu = type("LeNet", (LeNet,), {"__init__": lambda self: LeNet.__init__(self, act=torch.relu)})
    _assert_fails(
        "lenet", relu, "outputs agree through conv1; after it the reference applies Sigmoid"
    )


def test_lenet_without_activation_fails() -> None:
    bare = type("LeNet", (LeNet,), {"__init__": lambda self: LeNet.__init__(self, act=lambda y: y)})
    _assert_fails("lenet", bare, "no activation between conv1 and conv2")


def test_scaled_output_fails_with_the_scale() -> None:
    scaled = type("LeNet", (LeNet,), {"__init__": lambda self: LeNet.__init__(self, tail=lambda y: y * -1000 + 7)})  # fmt: skip
    _assert_fails("lenet", scaled, "times -1000 plus 7")


class D2LResidual(nn.Module):
    """d2l's lazy Residual verbatim (newer edition): no input_channels argument."""

    def __init__(self, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        self.conv3 = (
            nn.LazyConv2d(num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        )
        self.bn1, self.bn2 = nn.LazyBatchNorm2d(), nn.LazyBatchNorm2d()

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


class PaperResidual(nn.Module):
    """torchvision's layout, shortcut computed first, any names."""

    def __init__(self, a, b, proj=False, s=1, add_early=False):
        super().__init__()
        self.short = (
            nn.Sequential(nn.Conv2d(a, b, 1, s, bias=False), nn.BatchNorm2d(b)) if proj else None
        )
        self.c1, self.n1 = nn.Conv2d(a, b, 3, s, 1, bias=False), nn.BatchNorm2d(b)
        self.c2, self.n2 = nn.Conv2d(b, b, 3, 1, 1, bias=False), nn.BatchNorm2d(b)
        self.add_early = add_early

    def forward(self, x):
        skip = x if self.short is None else self.short(x)
        y = self.c2(F.relu(self.n1(self.c1(x))))
        if self.add_early:
            return F.relu(self.n2(y + skip))
        return F.relu(self.n2(y) + skip)


def test_d2l_lazy_residual_passes_as_d2l() -> None:
    _assert_passes("residual", D2LResidual, "d2l")


def test_paper_residual_with_the_shortcut_first_passes_as_paper() -> None:
    _assert_passes("residual", PaperResidual, "paper")


def test_shortcut_added_before_bn2_is_named() -> None:
    early = type("Residual", (PaperResidual,), {"__init__": lambda self, a, b, p=False, s=1: PaperResidual.__init__(self, a, b, p, s, True)})  # fmt: skip
    _assert_fails("residual", early, "the shortcut is added before bn2")


def test_d2l_residual_fails_when_narrowed_to_paper() -> None:
    _assert_fails("residual", D2LResidual, "your convolutions have a bias", convention="paper")


class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels, swap=False):
        super().__init__()
        self.net = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(input_channels + i * num_channels), nn.ReLU(),
                          nn.Conv2d(input_channels + i * num_channels, num_channels, 3, padding=1))
            for i in range(num_convs))  # fmt: skip
        self.swap = swap

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((Y, X) if self.swap else (X, Y), dim=1)
        return X


def test_dense_block_concatenation_order_is_named() -> None:
    _assert_passes("dense_block", DenseBlock, "d2l")
    swapped = type("DenseBlock", (DenseBlock,), {"__init__": lambda self, n, i, c: DenseBlock.__init__(self, n, i, c, True)})  # fmt: skip
    _assert_fails(
        "dense_block", swapped, "the concatenation order is (new, input); expected (input, new)"
    )


def test_unpack_refuses_segments_that_do_not_describe_the_array() -> None:
    arr = np.arange(6.0)
    good = CallResult("ok", outputs=(arr,), probe={"segments": [[0, 0, 0, "eval", "out", [2, 3]]]})
    assert unpack(good)[(0, 0, 0, "eval", "out")].shape == (2, 3)
    for bad in ([[0, 0, 0, "eval", "out", [2, 2]]], [[0, 0, 0, "eval", "out", [7]]],
                [[0, 0, 0, "nope", "out", [6]]], [["0", 0, 0, "eval", "out", [6]]], "x"):  # fmt: skip
        assert unpack(CallResult("ok", outputs=(arr,), probe={"segments": bad})) is None


def test_clean_trace_refuses_malformed_ops() -> None:
    op = {"kind": "conv2d", "params": {"weight": "w"}, "shapes": {"weight": [1, 1, 1, 1]}, "inputs": [-1], "attrs": {}}  # fmt: skip
    assert clean_trace([op]) is not None
    for bad in ({**op, "inputs": [0]}, {**op, "shapes": {}}, {**op, "params": {"weight": 3}}, "op"):
        assert clean_trace([bad]) is None


@pytest.mark.parametrize(
    ("scale", "shift", "found"), [(-1000, 7, True), (1, 0, False), (2, 0, True)]
)
def test_affine_finds_a_scaled_output(scale, shift, found) -> None:
    e = np.linspace(-1, 1, 20).reshape(4, 5)
    got = affine(scale * e + shift, e)
    assert (got is not None) == found
    if found:
        assert got == pytest.approx((scale, shift))


class Inception(nn.Module):
    """d2l's Inception, branches computed last-first (four equal 1x1 convs in one case)."""

    def __init__(self, in_channels, c1, c2, c3, c4, relu=True, order=(0, 1, 2, 3)):
        super().__init__()
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)
        self.p3_1, self.p3_2 = (
            nn.Conv2d(in_channels, c3[0], 1),
            nn.Conv2d(c3[0], c3[1], 5, padding=2),
        )
        self.p2_1, self.p2_2 = (
            nn.Conv2d(in_channels, c2[0], 1),
            nn.Conv2d(c2[0], c2[1], 3, padding=1),
        )
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.act = F.relu if relu else (lambda y: y)
        self.order = order

    def forward(self, x):
        p4 = self.act(self.p4_2(F.max_pool2d(x, 3, 1, 1)))
        p3 = self.act(self.p3_2(self.act(self.p3_1(x))))
        p2 = self.act(self.p2_2(self.act(self.p2_1(x))))
        p1 = self.act(self.p1_1(x))
        paths = (p1, p2, p3, p4)
        return torch.cat([paths[i] for i in self.order], dim=1)


def test_inception_with_branches_in_another_order_passes() -> None:
    _assert_passes("inception", Inception, "d2l")


def test_inception_without_relu_and_with_swapped_paths_fail() -> None:
    bare = type("Inception", (Inception,), {"__init__": lambda self, *a: Inception.__init__(self, *a, relu=False)})  # fmt: skip
    _assert_fails("inception", bare, "no activation")
    swapped = type("Inception", (Inception,), {"__init__": lambda self, *a: Inception.__init__(self, *a, order=(1, 0, 2, 3))})  # fmt: skip
    _assert_fails("inception", swapped, "the concatenation order is")


def test_clean_trace_keeps_only_known_kinds_and_plain_hyper_parameters() -> None:
    op = {"kind": "\x1b[31mrelu", "params": {}, "shapes": {}, "inputs": [-1],
          "attrs": {"stride": "\x1b]8;;evil", "padding": [1, 1], "junk": 3}}  # fmt: skip
    (clean,) = clean_trace([op])
    assert clean["kind"] == "other"
    assert clean["attrs"] == {"padding": [1, 1]}


def test_a_densely_wired_trace_is_handled_in_linear_size() -> None:
    """Every op fed by all earlier ones: nested refined signatures would be 2**60 long."""
    from cnngrade.grader.code.module_explain import expression
    from cnngrade.grader.sandbox.runtime.probe_tie import candidates

    ops = []
    for i in range(60):
        ops.append({"kind": "cat", "params": {}, "shapes": {}, "inputs": list(range(max(-1, i - 64), i)) or [-1], "attrs": {}})  # fmt: skip
        ops.append({"kind": "conv2d", "params": {"weight": f"w{i}"}, "shapes": {"weight": [2, 2, 1, 1]}, "inputs": [len(ops) - 1], "attrs": {}})  # fmt: skip
    ref = [{"kind": "conv2d", "shapes": {"weight": [2, 2, 1, 1]}, "after": [-1]}] * 60
    assert len(candidates(ops, ref, 8)) == 8
    assert len(expression(ops, len(ops) - 1, {})) < 2000


@pytest.mark.parametrize(
    "probe",
    [
        {},
        {"segments": [[0, 0, 0, "eval", "out", [2**40, 2**40]]]},
        {"segments": [[0, 0, 0, "eval", "out", [6]]], "candidates": [5, "x"], "trace": "nope"},
        {
            "segments": [[0, 0, 0, "eval", "raw", [6]]],
            "candidates": [0],
            "output": 10**9,
            "trace": [
                {
                    "kind": "conv2d",
                    "params": {"weight": "w"},
                    "shapes": {"weight": [6]},
                    "inputs": [-1],
                }
            ],
        },  # fmt: skip
    ],
)
def test_hostile_probe_facts_are_a_student_failure_never_a_grader_crash(probe) -> None:
    exercise = get("lenet")
    case = exercise.cases(rng_for(0))[1]
    result = CallResult("ok", outputs=(np.arange(6.0),), probe=probe)
    outcome = judge_module(exercise, case.group, case.params, result, ModuleExpected(exercise.build(case.params)), 20.0)  # fmt: skip
    assert outcome.status in ("invalid_output", "wrong", "shape")


class SharedVGG(nn.Module):
    """One conv applied num_convs times (when the channels allow): fewer weights than the block."""

    def __init__(self, num_convs, in_channels, out_channels):
        super().__init__()
        self.first = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.again = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.n = num_convs

    def forward(self, x):
        x = F.relu(self.first(x))
        for _ in range(self.n - 1):
            x = F.relu(self.again(x))
        return F.max_pool2d(x, 2)


def test_a_layer_used_twice_is_named() -> None:
    outcomes = _outcomes("vgg_block", SharedVGG)
    assert [o.status for o in outcomes] == ["passed", "passed", "wrong"]  # 1 and 2 convs are right
    assert (
        "uses one layer twice where the reference has two (conv2 and conv3)"
        in outcomes[2].message.en
    )


class _Transition(nn.Module):
    """d2l's transition block with a knob for each bug below."""

    def __init__(self, cin, cout, momentum=0.1, skip_bn_in_training=False, eps=1e-5):
        super().__init__()
        self.bn = nn.BatchNorm2d(cin, eps=eps, momentum=momentum)
        self.conv = nn.Conv2d(cin, cout, 1)
        self.skip = skip_bn_in_training

    def forward(self, x):
        h = x if (self.skip and self.training) else self.bn(x)
        return F.avg_pool2d(self.conv(F.relu(h)), 2)


def _transition(**kw):
    return lambda cin, cout: _Transition(cin, cout, **kw)


def test_bn_momentum_fails_on_the_running_statistics_it_leaves() -> None:
    _assert_passes("transition_block", _transition(), "d2l")
    _assert_fails(
        "transition_block", _transition(momentum=0.9), "bn1 uses momentum 0.9, the reference 0.1"
    )


def test_a_training_mode_departure_reads_that_mode_s_trace() -> None:
    """In training mode BatchNorm runs an extra op (num_batches_tracked += 1) and a branch on
    self.training may skip a layer: the departure is found in that mode's own trace."""
    _assert_fails("transition_block", _transition(skip_bn_in_training=True),
                  "in train mode your block does not apply bn1")  # fmt: skip


def test_a_shape_that_differs_on_a_later_input_is_named() -> None:
    class Fixed(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.net = nn.Sequential(
                nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, cout, 1), nn.AdaptiveAvgPool2d(4)
            )

        def forward(self, x):
            return self.net(x)

    _assert_fails("transition_block", Fixed, "on input 2 the output shape is")


def test_a_tuple_output_is_named() -> None:
    class Pair(_Transition):
        def forward(self, x):
            return super().forward(x), x

    with pytest.raises(convert.InvalidOutput, match="returned a tuple"):
        _outcomes("transition_block", lambda a, b: Pair(a, b))


def test_an_activation_that_clips_fails_on_large_values() -> None:
    """ReLU6 equals ReLU below 6: the probe's large input (the first one times LARGE) tells them apart."""

    def relu6(cin, cout):
        return nn.Sequential(
            nn.BatchNorm2d(cin), nn.ReLU6(), nn.Conv2d(cin, cout, 1), nn.AvgPool2d(2)
        )

    _assert_fails("transition_block", relu6, "on large values your Hardtanh")
