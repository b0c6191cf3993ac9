"""Receptive fields measured in torch: the input pixels whose gradient reaches one output unit.

All-ones kernels and average pooling have no cancellations, so the nonzero region of the gradient
of one output unit with respect to the input is exactly its receptive field.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate


def _stack(layers: list[dict]) -> nn.Sequential:
    modules = []
    for L in layers:
        if L["kind"] == "conv":
            conv = nn.Conv2d(1, 1, L["k"], stride=L["s"], dilation=L["d"], bias=False)
            nn.init.ones_(conv.weight)
            modules.append(conv)
        else:
            modules.append(nn.AvgPool2d(L["k"], stride=L["s"]))
    return nn.Sequential(*modules).double()


def _measured(layers: list[dict]) -> int:
    span = 1
    for L in reversed(layers):  # input size that leaves exactly one output unit
        span = (span - 1) * L["s"] + L["d"] * (L["k"] - 1) + 1
    x = torch.zeros(1, 1, span + 6, span + 6, dtype=torch.float64, requires_grad=True)
    y = _stack(layers)(x)
    y[0, 0, 0, 0].backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
    return int(rows.max() - rows.min() + 1)


@pytest.mark.parametrize(
    "exercise_id", ["receptive_field_stack", "receptive_field_dilated", "receptive_field_pooling"]
)
def test_receptive_field_matches_the_gradient_footprint(exercise_id: str) -> None:
    exercise = registry.get(exercise_id)
    for seed in range(25):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            assert problem.answer == _measured(problem.params["layers"]), (seed, problem.params)


def test_seed_000_dilated_rates_1_2_4_give_3_7_15() -> None:
    # Seed 000: 3x3 kernels with dilation rates 1, 2, 4 have receptive fields 3, 7, 15.
    exercise = registry.get("receptive_field_dilated")
    layers = [{"kind": "conv", "k": 3, "s": 1, "d": d} for d in (1, 2, 4)]
    assert [exercise.answer({"layers": layers[:n]}) for n in (1, 2, 3)] == [3, 7, 15]


def test_two_3x3_equal_one_5x5() -> None:
    # Seed 001: two stacked 3x3 convolutions see as much as one 5x5.
    layers = [{"kind": "conv", "k": 3, "s": 1, "d": 1}] * 2
    assert registry.get("receptive_field_stack").answer({"layers": layers}) == 5
