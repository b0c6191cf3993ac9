"""Pooling output shapes (floor and ceil mode) against torch.nn.MaxPool2d on meta tensors."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate


def _torch_pool(params: dict) -> list[int]:
    layer = nn.MaxPool2d(
        tuple(params["kernel"]),
        tuple(params["stride"]),
        tuple(params["padding"]),
        ceil_mode=params["ceil_mode"],
    )
    return list(layer(torch.empty(params["input"], device="meta")).shape)


@pytest.mark.parametrize("exercise_id", ["pool_output_shape", "pool_ceil_mode_shape"])
def test_answer_is_what_torch_produces(exercise_id: str) -> None:
    exercise = registry.get(exercise_id)
    for seed in range(200):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            assert problem.answer == _torch_pool(problem.params), (seed, problem.params)


def test_ceil_mode_always_differs_from_floor() -> None:
    exercise = registry.get("pool_ceil_mode_shape")
    for seed in range(100):
        problem = instantiate(exercise, seed, difficulty=2)
        assert "floor_instead_of_ceil" in problem.misconception_answers, seed


def test_ceil_mode_last_window_rule_is_exercised() -> None:
    # torch drops a last window that would start in the right padding; difficulty 3 must hit it.
    exercise = registry.get("pool_ceil_mode_shape")
    notes = set()
    for seed in range(300):
        notes |= set(instantiate(exercise, seed, difficulty=3).misconception_answers)
    assert "ceil_last_window_kept" in notes


def test_seed_000_two_by_two_pooling_halves() -> None:
    # Seed 000: 2x2 max pooling with stride 2 halves a 4x4 map.
    params = {
        "input": [1, 1, 4, 4],
        "kernel": [2, 2],
        "stride": [2, 2],
        "padding": [0, 0],
        "ceil_mode": False,
    }
    assert registry.get("pool_output_shape").answer(params) == [1, 1, 2, 2]
