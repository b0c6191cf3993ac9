"""Edge detection on step images: answers against torch's conv2d, the slides' examples, wrong rules."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnngrade.exercises.bank import edge_detection as ed
from cnngrade.exercises.instantiate import canonical, same_answer
from cnngrade.exercises.render import answer_line
from cnngrade.exercises.seeding import rng_for

EXERCISE = ed.EXERCISES[0]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread spin on a busy machine (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def torch_answer(p) -> list[list[int]]:
    x = torch.tensor(p["X"], dtype=torch.float64)[None]
    w = torch.tensor(p["K"], dtype=torch.float64)
    return torch.round(F.conv2d(x, w)[0, 0]).long().tolist()


def test_every_variant_matches_torch():
    reachable = Counter()
    for difficulty in EXERCISE.difficulties:
        for seed in range(150):
            p = EXERCISE.generate(rng_for(seed), difficulty)
            spec = EXERCISE.answer_spec(p)
            answer = canonical(EXERCISE.answer(p), spec)
            assert answer == torch_answer(p)
            X = np.asarray(p["X"][0])
            assert len(np.unique(X)) >= 2  # a step image: at least one edge
            for mis in EXERCISE.misconceptions:
                wrong = mis.rule(p)
                reachable[mis.note] += wrong is not None
                assert wrong is None or not same_answer(canonical(wrong, spec), answer, spec), (
                    mis.note
                )
            for lang in ("zh", "en"):
                assert bool(CJK.search(EXERCISE.prompt(p, lang))) == (lang == "zh")
                assert EXERCISE.solution(p, lang).endswith(answer_line(answer, spec, lang))
    assert all(reachable[m.note] >= 50 for m in EXERCISE.misconceptions), reachable


def test_difficulty_one_is_the_slides_setting():
    """seeds/001 slide 18: a vertical step and the vertical kernel [[1, 0, -1]] * 3."""
    for seed in range(20):
        p = EXERCISE.generate(rng_for(seed), 1)
        assert p["K"] == [[[[1, 0, -1]] * 3]]
        assert np.asarray(EXERCISE.answer(p)).any()


def test_slides_examples():
    vertical = dict(
        X=[[[10, 10, 10, 0, 0, 0]] * 6],
        K=[[[[1, 0, -1]] * 3]],
        bias=None,
        stride=[1, 1],
        padding=[0, 0],
        dilation=[1, 1],
        channel=0,
    )
    assert EXERCISE.answer(vertical) == [[0, 30, 30, 0]] * 4
    horizontal = dict(vertical, X=[[[10] * 6] * 3 + [[0] * 6] * 3])
    assert (
        EXERCISE.answer(horizontal) == [[0, 0, 0, 0]] * 4
    )  # slide 19: the vertical kernel sees nothing
