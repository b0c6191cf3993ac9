"""MAC families against torch's FLOP counter (torch.utils.flop_counter: a conv costs 2 FLOPs per MAC)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate

SEEDS = range(40)


def _macs(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() // 2


def _conv(p: dict) -> int:
    x = torch.empty(1, p["c_in"], p["size"], p["size"], device="meta")
    w = torch.empty(p["c_out"], p["c_in"], p["k"], p["k"], device="meta")
    return _macs(lambda: F.conv2d(x, w, stride=p["stride"], padding=p["padding"]))


def _separable(p: dict) -> int:
    x = torch.empty(1, p["c_in"], p["size"], p["size"], device="meta")
    depthwise = torch.empty(p["c_in"], 1, p["k"], p["k"], device="meta")
    pointwise = torch.empty(p["c_out"], p["c_in"], 1, 1, device="meta")
    return _macs(lambda: F.conv2d(F.conv2d(x, depthwise, groups=p["c_in"]), pointwise))


def _spatial(p: dict) -> int:
    x = torch.empty(1, 1, p["size"], p["size"], device="meta")
    column, row = (
        torch.empty(1, 1, p["k"], 1, device="meta"),
        torch.empty(1, 1, 1, p["k"], device="meta"),
    )
    return _macs(lambda: F.conv2d(F.conv2d(x, column), row))


def _check(exercise_id: str, oracle) -> None:
    exercise = registry.get(exercise_id)
    for seed in SEEDS:
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            assert problem.answer == oracle(problem.params), (exercise_id, seed, problem.params)


def test_conv_macs_match_torch_flop_counter() -> None:
    _check("conv_macs", _conv)


def test_depthwise_separable_macs_match_torch_flop_counter() -> None:
    _check("depthwise_separable_macs", _separable)


def test_spatially_separable_macs_match_torch_flop_counter() -> None:
    _check("spatially_separable_macs", _spatial)


def test_seed_000_worked_examples() -> None:
    # Seed 000: 86,400 (standard) vs 675 + 9,600 = 10,275 (depthwise separable); 81 vs 45 + 27 = 72.
    separable = instantiate(registry.get("depthwise_separable_macs"), 0, difficulty=1)
    assert separable.answer == 10_275
    assert separable.misconception_answers["counted_as_standard"] == 86_400
    spatial = instantiate(registry.get("spatially_separable_macs"), 0, difficulty=1)
    assert spatial.answer == 72 and spatial.misconception_answers["counted_as_full"] == 81
