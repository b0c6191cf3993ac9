"""Pooling backward, channel shuffle and dropout exercises against torch (autograd, nn.ChannelShuffle, F.dropout)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate


def test_max_pool_backward_matches_autograd() -> None:
    exercise = registry.get("max_pool_backward_hand")
    for seed in range(100):
        for difficulty in exercise.difficulties:
            p = instantiate(exercise, seed, difficulty=difficulty).params
            X = torch.tensor(p["X"], dtype=torch.float64)[None, None].requires_grad_()
            F.max_pool2d(X, 2, p["stride"]).backward(
                torch.tensor(p["dY"], dtype=torch.float64)[None, None]
            )
            assert exercise.answer(p) == X.grad[0, 0].long().tolist(), (seed, p)


def test_channel_shuffle_matches_torch() -> None:
    exercise = registry.get("channel_shuffle_position")
    for seed in range(100):
        for difficulty in exercise.difficulties:
            p = instantiate(exercise, seed, difficulty=difficulty).params
            channels = p["groups"] * p["per_group"]
            out = nn.ChannelShuffle(p["groups"])(
                torch.arange(channels).reshape(1, channels, 1, 1).float()
            )
            assert exercise.answer(p) == int(out.flatten()[p["position"]]), (seed, p)


def test_dropout_matches_torch_inverted_dropout() -> None:
    exercise = registry.get("dropout_scale")
    for seed in range(60):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            p = problem.params
            out = F.dropout(
                torch.full((1000,), float(p["x"]), dtype=torch.float64),
                p["p"],
                training=p["training"],
            )
            assert math.isclose(problem.answer, float(out.max()), rel_tol=1e-12), (seed, p)


_TORCH = {
    "relu6": F.relu6,
    "hard_sigmoid": F.hardsigmoid,
    "hard_swish": F.hardswish,
}


def test_activation_values_match_torch_functional() -> None:
    exercise = registry.get("activation_values")
    names = set()
    for seed in range(100):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            p = problem.params
            names.add(p["name"])
            x = torch.tensor([p["x"]], dtype=torch.float64)
            fn = _TORCH.get(p["name"], lambda t, a=p["slope"]: F.leaky_relu(t, a))
            assert torch.allclose(
                torch.tensor(problem.answer, dtype=torch.float64), fn(x), atol=1e-6
            ), (seed, p)
    assert names == {"relu6", "leaky_relu", "hard_sigmoid", "hard_swish"}


def test_deformable_tap_matches_grid_sample() -> None:
    exercise = registry.get("deformable_sample")
    for seed in range(60):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            p = problem.params
            y, x = p["i"] + p["dy"], p["j"] + p["dx"]
            grid = torch.tensor([[[[x / 4 * 2 - 1, y / 4 * 2 - 1]]]], dtype=torch.float64)
            X = torch.tensor(p["X"], dtype=torch.float64)[None, None]
            expected = F.grid_sample(X, grid, mode="bilinear", align_corners=True).item()
            assert math.isclose(problem.answer, expected, abs_tol=1e-9), (seed, p)
