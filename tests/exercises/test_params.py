"""Parameter-count families against the numel of real torch layers and reference.models blocks."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate
from cnngrade.reference import models

SEEDS = range(60)


def _numel(module: nn.Module, bias: bool = True) -> int:
    return sum(
        p.numel() for name, p in module.named_parameters() if bias or not name.endswith("bias")
    )


def _conv(p: dict) -> int:
    layer = nn.Conv2d(
        p["c_in"],
        p["c_out"],
        tuple(p["k"]),
        groups=p.get("groups", 1),
        bias=p["bias"],
        device="meta",
    )
    return _numel(layer)


def _separable(p: dict) -> int:
    depthwise = nn.Conv2d(
        p["c_in"], p["c_in"], tuple(p["k"]), groups=p["c_in"], bias=p["bias"], device="meta"
    )
    pointwise = nn.Conv2d(p["c_in"], p["c_out"], 1, bias=p["bias"], device="meta")
    return _numel(depthwise) + _numel(pointwise)


def _fc(p: dict) -> int:
    return _numel(nn.Linear(p["c"] * p["side"] ** 2, p["out"], bias=p["bias"], device="meta"))


def _bn(p: dict) -> int:
    return _numel(nn.BatchNorm2d(p["c"], device="meta"))


def _inception(p: dict) -> int:
    block = models.Inception(p["c_in"], p["c1"], tuple(p["c2"]), tuple(p["c3"]), p["c4"])
    return _numel(block, bias=p["bias"])


def _residual(p: dict) -> int:
    return _numel(
        models.Residual(p["c_in"], p["c_out"], stride=p["stride"], use_1x1conv=p["use_1x1conv"])
    )


def _dense(p: dict) -> int:
    return _numel(models.DenseBlock(p["num_convs"], p["c_in"], p["growth"], bn_size=None))


def _lenet(p: dict) -> int:
    net = nn.Sequential(
        nn.Conv2d(1, p["c1"], 5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(2, 2),
        nn.Conv2d(p["c1"], p["c2"], 5),
        nn.Sigmoid(),
        nn.AvgPool2d(2, 2),
        nn.Flatten(),
        nn.LazyLinear(p["h1"]),
        nn.Sigmoid(),
        nn.Linear(p["h1"], p["h2"]),
        nn.Sigmoid(),
        nn.Linear(p["h2"], p["classes"]),
    )
    net(torch.zeros(1, 1, 28, 28))  # materializes the lazy layer: torch measures the flattened size
    return _numel(net)


@pytest.mark.parametrize(
    ("exercise_id", "oracle"),
    [
        ("conv_params", _conv),
        ("grouped_conv_params", _conv),
        ("depthwise_separable_params", _separable),
        ("fc_params", _fc),
        ("bn_params", _bn),
        ("inception_params", _inception),
        ("residual_block_params", _residual),
        ("dense_block_params", _dense),
        ("small_network_params", _lenet),
    ],
)
def test_count_equals_numel_of_the_real_layers(exercise_id: str, oracle) -> None:
    exercise = registry.get(exercise_id)
    seeds = SEEDS if exercise_id not in ("inception_params", "small_network_params") else range(15)
    for seed in seeds:
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            assert problem.answer == oracle(problem.params), (exercise_id, seed, problem.params)


def test_published_numbers() -> None:
    # Seed 001: GoogLeNet inception (3a) has 12,288 + 129,024 + 15,872 + 6,144 = 163,328 weights.
    assert instantiate(registry.get("inception_params"), 0, difficulty=1).answer == 163_328
    # d2l LeNet (28x28 input, padding 2, 6/16 channels, 120/84/10): 61,706 parameters.
    assert instantiate(registry.get("small_network_params"), 0, difficulty=1).answer == 61_706
    assert instantiate(registry.get("small_network_params"), 0, difficulty=1).answer == _numel(
        models.get("lenet5")
    )


def test_grouped_misconceptions_are_the_named_rules() -> None:
    problem = instantiate(registry.get("grouped_conv_params"), 3, difficulty=1)
    p = problem.params
    standard = _conv({**p, "groups": 1})
    assert problem.misconception_answers["groups_ignored"] == standard


def test_alexnet_layer_counts_are_the_reference_two_gpu_alexnet() -> None:
    # Seed 001: the two-GPU AlexNet; with the output layer's bias it has 60,965,224 parameters.
    from cnngrade.exercises.bank.params_alexnet import LAYERS

    net = models.get("alexnet_2gpu")
    layers = [m for m in net.modules() if type(m).__name__ in ("Conv2d", "Linear")]
    exercise = registry.get("alexnet_layer_params")
    total = 0
    for index in range(len(LAYERS)):
        for bias in (True, False):
            answer = exercise.answer({"layer": index, "bias": bias})
            assert answer == _numel(layers[index], bias=bias), (LAYERS[index], bias)
        total += exercise.answer({"layer": index, "bias": True})
    assert total == 60_965_224 == _numel(net)
