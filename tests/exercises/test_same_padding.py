"""'Same' padding and valid/same/full sizes against torch.nn.functional.conv2d on real tensors."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate


def test_same_padding_keeps_the_size_in_torch() -> None:
    exercise = registry.get("same_padding")
    for seed in range(150):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            p, pad = problem.params, problem.answer
            x = torch.empty(1, 1, p["size"], p["size"], device="meta")
            w = torch.empty(1, 1, p["kernel"], p["kernel"], device="meta")
            out = F.conv2d(x, w, padding=pad, dilation=p["dilation"])
            assert out.shape[-1] == p["size"], (seed, p, pad)


def _torch_mode(params: dict) -> list[int]:
    (h, w), (kh, kw) = params["size"], params["kernel"]
    x = torch.empty(1, 1, h, w, device="meta")
    weight = torch.empty(1, 1, kh, kw, device="meta")
    if params["mode"] == "full":
        out = F.conv2d(x, weight, padding=(kh - 1, kw - 1))
    else:
        out = F.conv2d(x, weight, padding=params["mode"])  # torch knows 'valid' and 'same'
    return list(out.shape[-2:])


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_valid_same_full_sizes_match_torch() -> None:
    exercise = registry.get("padding_mode_size")
    modes = set()
    for seed in range(200):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            modes.add(problem.params["mode"])
            assert problem.answer == _torch_mode(problem.params), (seed, problem.params)
    assert modes == {"valid", "same", "full"}


def test_seed_000_valid_example() -> None:
    # Seed 000: a 10x10 image and a 5x5 kernel give 6x6 with valid padding.
    params = {"size": [10, 10], "kernel": [5, 5], "mode": "valid"}
    assert registry.get("padding_mode_size").answer(params) == [6, 6]
    assert registry.get("padding_mode_size").answer({**params, "mode": "full"}) == [14, 14]
