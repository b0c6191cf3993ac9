"""Inverse size problems: the answer reproduces the sizes in torch and is the ONLY value that does."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from cnngrade.exercises import registry
from cnngrade.exercises.instantiate import instantiate
from cnngrade.reference.analysis.sizes import conv_output_size


def _torch_out(n: int, k: int, s: int, p: int, d: int) -> int:
    x = torch.empty(1, 1, n, 1, device="meta")
    w = torch.empty(1, 1, k, 1, device="meta")
    return F.conv2d(x, w, stride=(s, 1), padding=(p, 0), dilation=(d, 1)).shape[2]


def _candidates(params: dict, value: int) -> dict:
    return {**params, params["unknown"]: value}


def _fits(q: dict) -> bool:
    try:
        return (
            conv_output_size(q["size"], q["kernel"], q["stride"], q["padding"], q["dilation"])
            == q["out"]
        )
    except ValueError:
        return False


@pytest.mark.parametrize("exercise_id", ["find_stride", "find_padding", "find_kernel"])
def test_answer_reproduces_sizes_and_is_unique(exercise_id: str) -> None:
    exercise = registry.get(exercise_id)
    for seed in range(150):
        for difficulty in exercise.difficulties:
            problem = instantiate(exercise, seed, difficulty=difficulty)
            q = _candidates(problem.params, problem.answer)
            assert (
                _torch_out(q["size"], q["kernel"], q["stride"], q["padding"], q["dilation"])
                == q["out"]
            )
            start = 0 if exercise_id == "find_padding" else 1
            fitting = [v for v in range(start, 80) if _fits(_candidates(problem.params, v))]
            assert fitting == [problem.answer], (seed, problem.params, fitting)


def test_misconception_answers_come_from_the_named_wrong_rules() -> None:
    exercise = registry.get("find_padding")
    for seed in range(50):
        problem = instantiate(exercise, seed, difficulty=1)
        if problem.answer:
            assert problem.misconception_answers["padding_once"] == 2 * problem.answer
