"""Module probes judged in the parent (no sandbox): the reference's numbers under the probe's seed
pass whatever the layers; else the layer multiset and the activation layers decide."""

from __future__ import annotations

import numpy as np
import torch

from cnngrade.exercises.code import get
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.code.judge_module import judge_module
from cnngrade.grader.sandbox.api import CallResult, LayerRecord

LENET = get("lenet")
CASE = LENET.cases(rng_for(0))[1]  # one input (2, 1, 28, 28)
INV = LENET.build(CASE.params)
EXPECTED = LENET.expected(CASE.params, INV)


def _records(activation: str, pooling: bool) -> tuple[LayerRecord, ...]:
    """LeNet's leaves as the child would record them (conv/linear outputs; optional pooling)."""
    n = INV.inputs[0].shape[0]
    parametrized = [("Conv2d", (n, 6, 28, 28), 156), ("Conv2d", (n, 16, 10, 10), 2416),
                    ("Linear", (n, 120), 48120), ("Linear", (n, 84), 10164), ("Linear", (n, 10), 850)]  # fmt: skip
    pools = [("AvgPool2d", (n, 6, 14, 14), 0), ("AvgPool2d", (n, 16, 5, 5), 0)] if pooling else []
    acts = [(activation, (n, 1), 0)] * 4
    return tuple(LayerRecord(t, (), s, p) for t, s, p in parametrized + pools + acts)


def _judge(outputs, records):
    result = CallResult("ok", outputs=outputs, parameters=EXPECTED.parameters, layers=records)
    return judge_module(LENET, CASE.group, CASE.params, result, EXPECTED, 20.0)


def _student_lenet_outputs() -> tuple[np.ndarray, ...]:
    """A LeNet with attributes (no pooling modules) built under the probe's seed, in float32."""
    torch.manual_seed(INV.seed)
    convs = [torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.Conv2d(6, 16, 5)]
    fcs = [torch.nn.Linear(400, 120), torch.nn.Linear(120, 84), torch.nn.Linear(84, 10)]
    x = torch.from_numpy(INV.inputs[0])
    with torch.no_grad():
        for conv in convs:
            x = torch.nn.functional.avg_pool2d(torch.sigmoid(conv(x)), 2)
        x = x.flatten(1)
        for i, fc in enumerate(fcs):
            x = fc(x) if i == 2 else torch.sigmoid(fc(x))
    return (x.numpy(),)


def test_reference_numbers_under_the_seed_pass_without_pooling_layers() -> None:
    with torch.random.fork_rng(devices=[]):
        outputs = _student_lenet_outputs()
    assert EXPECTED.seeded is not None and EXPECTED.activations == (("Sigmoid", 4),)
    assert _judge(outputs, _records("Sigmoid", pooling=False)).passed


def test_other_numbers_without_pooling_layers_name_the_missing_layer() -> None:
    outputs = (np.zeros(EXPECTED.shapes[0], dtype=np.float32),)
    out = _judge(outputs, _records("Sigmoid", pooling=False))
    assert out.status == "wrong" and "use an nn.AvgPool2d layer" in out.message("en")
    assert _judge(outputs, _records("Sigmoid", pooling=True)).passed


def test_an_activation_the_block_does_not_have_fails() -> None:
    outputs = (np.zeros(EXPECTED.shapes[0], dtype=np.float32),)
    out = _judge(outputs, _records("ReLU", pooling=True))
    assert out.status == "wrong" and out.detail["stage"] == "activations"
    assert (
        out.message("en")
        == "uses ReLU activations, which this block does not have (its activations: Sigmoid)"
    )
    more = _records("Sigmoid", pooling=True) + (LayerRecord("Sigmoid", (), (2, 10), 0),)
    assert "applies Sigmoid 5 times" in _judge(outputs, more).message("en")
