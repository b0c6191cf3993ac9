"""Separable kernels: factors checked by their defining properties, the rank-1 choice by matrix rank."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch

from cnngrade.exercises.bank import separable as sep
from cnngrade.exercises.instantiate import canonical, same_answer
from cnngrade.exercises.render import answer_line
from cnngrade.exercises.seeding import rng_for

FACTOR, CHECK = sep.EXERCISES
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread spin on a busy machine (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _check_common(exercise, p, answer, spec) -> None:
    for mis in exercise.misconceptions:
        wrong = mis.rule(p)
        assert wrong is None or not same_answer(canonical(wrong, spec), answer, spec), mis.note
    for lang in ("zh", "en"):
        assert bool(CJK.search(exercise.prompt(p, lang))) == (lang == "zh")
        assert exercise.solution(p, lang).endswith(answer_line(answer, spec, lang))


def test_factors_multiply_back_and_follow_the_convention():
    for difficulty in FACTOR.difficulties:
        for seed in range(150):
            p = FACTOR.generate(rng_for(seed), difficulty)
            spec = FACTOR.answer_spec(p)
            column, row = canonical(FACTOR.answer(p), spec)
            K = torch.tensor(p["K"])
            assert torch.equal(torch.outer(torch.tensor(column), torch.tensor(row)), K)
            assert math.gcd(*map(abs, row)) == 1
            assert next(v for v in column if v) > 0
            _check_common(FACTOR, p, [column, row], spec)


def test_exactly_one_choice_has_rank_one():
    counts = {role: 0 for role in sep.ROLES}
    for difficulty in CHECK.difficulties:
        for seed in range(150):
            p = CHECK.generate(rng_for(seed), difficulty)
            spec = CHECK.answer_spec(p)
            answer = canonical(CHECK.answer(p), spec)
            ranks = [int(np.linalg.matrix_rank(np.asarray(K, dtype=float))) for K in p["kernels"]]
            assert ranks[answer] == 1 and sorted(ranks)[1] >= 2
            assert len(spec.choices) == 4
            counts[p["roles"][answer]] += 1
            _check_common(CHECK, p, answer, spec)
    assert counts["separable"] == 450


def test_choice_positions_are_shuffled():
    positions = {CHECK.answer(CHECK.generate(rng_for(seed), 2)) for seed in range(40)}
    assert positions == {0, 1, 2, 3}


def test_sobel_factors_as_in_the_notes():
    """seeds/000: Sobel = [1, 2, 1]^T [-1, 0, 1]."""
    assert sep.factors(dict(K=[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])) == [[1, 2, 1], [-1, 0, 1]]
