"""Hand-computed cross-correlation and transposed convolution: answers checked against torch itself."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnngrade.exercises.bank import _handconv as hc
from cnngrade.exercises.bank import conv_transpose_hand, corr2d
from cnngrade.exercises.instantiate import canonical, same_answer
from cnngrade.exercises.render import answer_line
from cnngrade.exercises.seeding import rng_for

SEEDS = range(100)
CJK = re.compile(r"[\u4e00-\u9fff]")
ELEMENT = re.compile(r"y_\{(\d+),(\d+)\} = .* = (-?\d+)\$$")


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread spin on a busy machine (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def torch_conv(p) -> list[list[int]]:
    """The independent answer: torch's own conv2d in float64."""
    x = torch.tensor(p["X"], dtype=torch.float64)[None]
    w = torch.tensor(p["K"], dtype=torch.float64)
    b = None if p["bias"] is None else torch.tensor(p["bias"], dtype=torch.float64)
    y = F.conv2d(
        x,
        w,
        b,
        stride=tuple(p["stride"]),
        padding=tuple(p["padding"]),
        dilation=tuple(p["dilation"]),
    )
    return torch.round(y[0, p["channel"]]).long().tolist()


def torch_transpose(p) -> list[list[int]]:
    x = torch.tensor(p["X"], dtype=torch.float64)[None, None]
    w = torch.tensor(p["K"], dtype=torch.float64)[None, None]
    y = F.conv_transpose2d(x, w, stride=p["stride"], padding=p["padding"])
    return torch.round(y[0, 0]).long().tolist()


CASES = [(ex, torch_conv) for ex in corr2d.EXERCISES] + [
    (conv_transpose_hand.EXERCISES[0], torch_transpose)
]


def check_variant(exercise, independent, p) -> list[str]:
    """Answer = torch; prompts and solutions sound. Returns the wrong rules that coincide with the answer."""
    json.dumps(p)
    spec = exercise.answer_spec(p)
    answer = canonical(exercise.answer(p), spec)
    assert answer == independent(p)
    coincide = []
    for mis in exercise.misconceptions:
        wrong = mis.rule(p)
        if wrong is not None and same_answer(canonical(wrong, spec), answer, spec):
            coincide.append(mis.note)
    for lang in ("zh", "en"):
        text = exercise.prompt(p, lang)
        assert bool(CJK.search(text)) == (lang == "zh")
        solution = exercise.solution(p, lang)
        assert solution.endswith(answer_line(answer, spec, lang))
        elements = [m.groups() for m in map(ELEMENT.search, solution.splitlines()) if m]
        assert len(elements) == np.size(answer)
        for i, j, value in elements:
            assert answer[int(i)][int(j)] == int(value)
    return coincide


@pytest.mark.parametrize("exercise, independent", CASES, ids=[ex.id for ex, _ in CASES])
def test_every_variant_matches_torch(exercise, independent):
    """Over 100 seeds per difficulty; a wrong rule may hit the right answer by chance on a rare variant
    (instantiate then drops it, so it is never diagnosed) — at most 1% of variants."""
    coincide = Counter()
    for difficulty in exercise.difficulties:
        for seed in SEEDS:
            coincide.update(
                check_variant(exercise, independent, exercise.generate(rng_for(seed), difficulty))
            )
    limit = 0.01 * len(SEEDS) * len(exercise.difficulties)
    assert all(count <= limit for count in coincide.values()), coincide


@pytest.mark.parametrize(
    "exercise", corr2d.EXERCISES + conv_transpose_hand.EXERCISES, ids=lambda e: e.id
)
def test_every_misconception_shows_up(exercise):
    """Each wrong rule is diagnosable on most variants (not 'not applicable' everywhere)."""
    seen = {m.note: 0 for m in exercise.misconceptions}
    for difficulty in exercise.difficulties:
        for seed in range(30):
            p = exercise.generate(rng_for(seed), difficulty)
            for m in exercise.misconceptions:
                seen[m.note] += m.rule(p) is not None
    assert all(count >= 30 for count in seen.values()), seen


def test_same_seed_same_variant():
    for exercise in corr2d.EXERCISES:
        assert exercise.generate(rng_for(7), 2) == exercise.generate(rng_for(7), 2)


def _single(X, K, **kw):
    return corr2d._params([X], [[K]], **kw)


def test_slides_examples():
    """The worked examples of the course slides (seeds/001)."""
    X = np.arange(9).reshape(3, 3).tolist()
    K = [[0, 1], [2, 3]]
    assert hc.conv_answer(_single(X, K)) == [[19, 25], [37, 43]]
    assert hc.conv_answer(_single(X, K, stride=(3, 2), padding=(1, 1))) == [[0, 8], [6, 8]]
    two = corr2d._params([X, (np.arange(9).reshape(3, 3) + 1).tolist()], [[K, [[1, 2], [3, 4]]]])
    assert hc.conv_answer(two) == [[56, 72], [104, 120]]
    edge = [[10, 10, 10, 0, 0, 0]] * 6
    assert hc.conv_answer(_single(edge, [[1, 0, -1]] * 3)) == [[0, 30, 30, 0]] * 4


def test_transposed_d2l_example():
    """d2l 14.10: X = K = [[0, 1], [2, 3]], stride 1 → [[0, 0, 1], [0, 4, 6], [4, 12, 9]]."""
    p = dict(X=[[0, 1], [2, 3]], K=[[0, 1], [2, 3]], stride=1, padding=0)
    assert conv_transpose_hand.transpose_answer(p) == [[0, 0, 1], [0, 4, 6], [4, 12, 9]]


def test_flip_misconception_is_true_convolution():
    p = _single([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    flipped = corr2d.FLIPPED.rule(p)
    assert flipped == [[4, 4], [4, 4]]  # [[-1, 0], [0, 1]] slid over X
    assert hc.conv_answer(p) == [[-4, -4], [-4, -4]]
