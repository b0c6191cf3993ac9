"""Max and average pooling by hand: answers against torch's own pooling, windows, wrong rules."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnngrade.exercises.bank import pooling_hand as ph
from cnngrade.exercises.instantiate import canonical, same_answer
from cnngrade.exercises.render import answer_line
from cnngrade.exercises.seeding import rng_for

SEEDS = range(100)
CJK = re.compile(r"[\u4e00-\u9fff]")
ELEMENT = re.compile(r"y_\{(\d+),(\d+)\} = .* = (-?[\d.]+)\$$")
MAX, AVG = ph.EXERCISES


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread spin on a busy machine (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def torch_pool(p, op: str):
    x = torch.tensor(p["X"], dtype=torch.float64)[None, None]
    args = dict(
        kernel_size=p["kernel"], stride=p["stride"], padding=p["padding"], ceil_mode=p["ceil_mode"]
    )
    y = (F.max_pool2d if op == "max" else F.avg_pool2d)(x, **args)[0, 0]
    return y.tolist()


@pytest.mark.parametrize("exercise, op", [(MAX, "max"), (AVG, "avg")], ids=["max", "avg"])
def test_every_variant_matches_torch(exercise, op):
    for difficulty in exercise.difficulties:
        for seed in SEEDS:
            p = exercise.generate(rng_for(seed), difficulty)
            json.dumps(p)
            spec = exercise.answer_spec(p)
            answer = canonical(exercise.answer(p), spec)
            assert np.allclose(answer, torch_pool(p, op), rtol=0, atol=1e-12)
            for mis in exercise.misconceptions:
                wrong = mis.rule(p)
                assert wrong is None or not same_answer(canonical(wrong, spec), answer, spec), (
                    mis.note
                )
            for lang in ("zh", "en"):
                assert bool(CJK.search(exercise.prompt(p, lang))) == (lang == "zh")
                solution = exercise.solution(p, lang)
                assert solution.endswith(answer_line(answer, spec, lang))
                elements = [m.groups() for m in map(ELEMENT.search, solution.splitlines()) if m]
                assert len(elements) == np.size(answer)
                for i, j, value in elements:
                    assert abs(answer[int(i)][int(j)] - float(value)) <= 5e-5


@pytest.mark.parametrize("exercise", ph.EXERCISES, ids=lambda e: e.id)
def test_every_misconception_is_reachable(exercise):
    seen = {m.note: 0 for m in exercise.misconceptions}
    for difficulty in exercise.difficulties:
        for seed in range(40):
            p = exercise.generate(rng_for(seed), difficulty)
            for m in exercise.misconceptions:
                seen[m.note] += m.rule(p) is not None
    assert all(count >= 10 for count in seen.values()), seen


def test_slides_max_pool_example():
    """seeds/001: 2×2 max pooling of [[0,1,2],[3,4,5],[6,7,8]] with stride 1 → [[4,5],[7,8]]."""
    p = dict(X=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=2, stride=1, padding=0, ceil_mode=False)
    assert ph.max_answer(p) == [[4, 5], [7, 8]]
    assert ph.avg_answer(p) == [[2.0, 3.0], [5.0, 6.0]]


def test_padding_with_zeros_differs_on_negative_corner():
    p = dict(X=[[-3, -1], [-2, -4]], kernel=2, stride=2, padding=1, ceil_mode=False)
    assert ph.max_answer(p) == [[-3, -1], [-2, -4]]
    zero = next(m for m in ph.MAX_MISCONCEPTIONS if m.note == "padding_with_zeros")
    assert zero.rule(p) == [[0, 0], [0, 0]]


def test_ceil_mode_overhang_divisor():
    """torch: a ceil-mode window past the input (no padding) divides by the cells it covers."""
    p = dict(X=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel=2, stride=2, padding=0, ceil_mode=True)
    assert ph.avg_answer(p) == [[3.0, 4.5], [7.5, 9.0]]
    full = next(m for m in ph.AVG_MISCONCEPTIONS if m.note == "full_window_divisor")
    assert full.rule(p) == [[3.0, 2.25], [3.75, 2.25]]
