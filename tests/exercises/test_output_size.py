"""Output-shape families against torch's own layers (meta tensors: torch's shape logic, no compute)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate

SEEDS = range(150)


def _meta_output(layer: nn.Module, shape: list[int]) -> list[int]:
    return list(layer.to("meta")(torch.empty(shape, device="meta")).shape)


def _torch_conv(params: dict) -> list[int]:
    layer = nn.Conv2d(
        params["input"][1],
        params["out_channels"],
        tuple(params["kernel"]),
        tuple(params["stride"]),
        tuple(params["padding"]),
        tuple(params["dilation"]),
        device="meta",
    )
    return _meta_output(layer, params["input"])


def _torch_transpose(params: dict) -> list[int]:
    layer = nn.ConvTranspose2d(
        params["input"][1],
        params["out_channels"],
        tuple(params["kernel"]),
        tuple(params["stride"]),
        tuple(params["padding"]),
        tuple(params["output_padding"]),
        device="meta",
    )
    return _meta_output(layer, params["input"])


@pytest.mark.parametrize(
    ("exercise_id", "oracle"),
    [
        ("conv_output_shape", _torch_conv),
        ("dilated_output_shape", _torch_conv),
        ("conv_transpose_output_shape", _torch_transpose),
    ],
)
def test_answer_is_what_torch_produces(exercise_id: str, oracle) -> None:
    exercise = registry.get(exercise_id)
    for seed in SEEDS:
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            assert problem.answer == oracle(problem.params), (exercise_id, seed, problem.params)


def test_seed_002_example_5x5_k3_p1_s2_gives_3x3() -> None:
    # Seed 002 (overview article): 5x5 input, kernel 3, padding 1, stride 2 -> 3x3.
    params = {
        "input": [1, 1, 5, 5],
        "out_channels": 1,
        "kernel": [3, 3],
        "stride": [2, 2],
        "padding": [1, 1],
        "dilation": [1, 1],
    }
    assert registry.get("conv_output_shape").answer(params) == [1, 1, 3, 3]


def test_alexnet_first_layer_227_to_55() -> None:
    # Seed 001: AlexNet conv1, 227x227x3, 96 kernels 11x11 stride 4 -> 55x55x96.
    params = {
        "input": [1, 3, 227, 227],
        "out_channels": 96,
        "kernel": [11, 11],
        "stride": [4, 4],
        "padding": [0, 0],
        "dilation": [1, 1],
    }
    assert registry.get("conv_output_shape").answer(params) == [1, 96, 55, 55]


def test_difficulty_shapes_the_variant() -> None:
    exercise = registry.get("conv_output_shape")
    easy = [instantiate(exercise, s, difficulty=1).params for s in range(50)]
    hard = [instantiate(exercise, s, difficulty=3).params for s in range(50)]
    assert all(p["stride"] == [1, 1] for p in easy)
    assert any(p["kernel"][0] != p["kernel"][1] or p["stride"][0] != p["stride"][1] for p in hard)
    assert any(
        p["stride"][0] > 1
        and (p["input"][2] + 2 * p["padding"][0] - p["kernel"][0]) % p["stride"][0]
        for p in hard
    ), "difficulty 3 should sometimes make the floor matter"


def test_misconceptions_are_diagnosable_on_typical_variants() -> None:
    exercise = registry.get("conv_output_shape")
    seen = set()
    for seed in range(100):
        seen |= set(instantiate(exercise, seed, difficulty=3).misconception_answers)
    assert {"no_plus_one", "padding_once", "stride_ignored", "ceil_instead_of_floor"} <= seen
