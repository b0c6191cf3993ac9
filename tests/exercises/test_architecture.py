"""Architecture families against torch: meta-tensor layers for every variant, and the real
``reference.models`` networks (forward hooks) for the published configurations."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrade.exercises import registry
from cnngrade.exercises.bank.architecture import propagate
from cnngrade.exercises.instantiate import instantiate
from cnngrade.reference import models

_POOLS = {"max_pool": nn.MaxPool2d, "avg_pool": nn.AvgPool2d}


def _torch_shapes(params: dict) -> list[list[int]]:
    x = torch.empty(1, *params["input"], device="meta")
    shapes = []
    for L in params["layers"]:
        if L["kind"] == "conv":
            layer = nn.Conv2d(x.shape[1], L["c_out"], L["k"], L["s"], L["p"], device="meta")
        else:
            layer = _POOLS[L["kind"]](L["k"], L["s"], L["p"])
        x = layer(x)
        shapes.append(list(x.shape[1:]))
    return shapes


@pytest.mark.parametrize(
    "exercise_id", ["lenet_shapes", "alexnet_shapes", "vgg_block_shapes", "layer_chain_shape"]
)
def test_every_row_matches_torch_layers(exercise_id: str) -> None:
    exercise = registry.get(exercise_id)
    for seed in range(60):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            shapes = _torch_shapes(problem.params)
            assert propagate(problem.params["input"], problem.params["layers"]) == shapes
            assert problem.answer == shapes[problem.params["ask"]]


def _hooked_shapes(model: nn.Module, shape: tuple[int, ...]) -> list[list[int]]:
    shapes: list[list[int]] = []
    for module in model.modules():
        if type(module).__name__ in ("Conv2d", "MaxPool2d", "AvgPool2d"):
            module.register_forward_hook(lambda m, i, o: shapes.append(list(o.shape[1:])))
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    return shapes


def _table(exercise_id: str, **fixed) -> dict:
    for seed in range(200):
        params = instantiate(registry.get(exercise_id), seed, difficulty=1).params
        if all(params.get(k) == v for k, v in fixed.items()):
            return params
    raise AssertionError(f"no {exercise_id} variant with {fixed}")


def test_lenet_table_is_the_reference_lenet5() -> None:
    params = _table("lenet_shapes", input=[1, 28, 28])
    assert _hooked_shapes(models.get("lenet5"), (1, 28, 28)) == propagate(
        params["input"], params["layers"]
    )


def test_alexnet_table_is_the_reference_two_gpu_alexnet() -> None:
    # Seed 001: 227 -> 55 -> 27 -> 13 -> 6 with 96, 256, 384, 384, 256 channels.
    params = _table("alexnet_shapes")
    shapes = propagate(params["input"], params["layers"])
    assert _hooked_shapes(models.get("alexnet_2gpu"), (3, 227, 227)) == shapes
    assert shapes[-1] == [256, 6, 6]


def test_vgg_block_matches_reference_vgg_block() -> None:
    exercise = registry.get("vgg_block_shapes")
    for seed in range(6):
        p = instantiate(exercise, seed, difficulty=3).params
        convs = len(p["layers"]) - 1
        small = [min(p["input"][0], 16), p["input"][1], p["input"][2]]
        block = models.vgg_block(convs, small[0], 8)
        expected = propagate(
            small, [{**L, "c_out": 8} if L["kind"] == "conv" else L for L in p["layers"]]
        )[-1]
        with torch.no_grad():
            assert list(block(torch.zeros(1, *small)).shape[1:]) == expected


def test_neurons_match_torch() -> None:
    exercise = registry.get("neuron_count")
    for seed in range(100):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            shapes = _torch_shapes(
                {"input": problem.params["input"], "layers": [problem.params["layer"]]}
            )
            assert problem.answer == shapes[0][0] * shapes[0][1] * shapes[0][2]
    # Seed 001: AlexNet's first convolution has 55 x 55 x 96 = 290,400 neurons.
    assert instantiate(exercise, 0, difficulty=1).answer == 290_400


def test_inception_shape_matches_reference_inception() -> None:
    exercise = registry.get("inception_shapes")
    for seed in range(8):
        p = instantiate(exercise, seed, difficulty=1 + seed % 3).params
        block = models.Inception(p["c_in"], p["c1"], tuple(p["c2"]), tuple(p["c3"]), p["c4"])
        with torch.no_grad():
            out = block(torch.zeros(1, p["c_in"], p["size"], p["size"]))
        assert list(out.shape[1:]) == exercise.answer(p), p


def test_dense_growth_matches_reference_dense_and_transition_blocks() -> None:
    exercise = registry.get("densenet_growth")
    for seed in range(10):
        p = instantiate(exercise, seed, difficulty=1 + seed % 3).params
        small = {**p, "size": min(p["size"], 16)}
        layers = [models.DenseBlock(p["num_convs"], p["c_in"], p["growth"], bn_size=None)]
        channels = p["c_in"] + p["num_convs"] * p["growth"]
        if p["transition"]:
            layers.append(models.transition_block(channels, channels // 2))
        with torch.no_grad():
            out = nn.Sequential(*layers).eval()(
                torch.zeros(1, p["c_in"], small["size"], small["size"])
            )
        assert list(out.shape[1:]) == exercise.answer(small), p
