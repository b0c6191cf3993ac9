"""Symbolic exercises: the canonical expression, evaluated at random valid integer points, equals what
torch's own layers give (parameter counts, output shapes) and the numeric reference analytics."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F

from cnngrade.exercises.bank import _symbols, symbolic_cost
from cnngrade.exercises.bank import symbolic as sym
from cnngrade.exercises.instantiate import canonical, same_answer
from cnngrade.exercises.render import answer_line
from cnngrade.exercises.seeding import rng_for
from cnngrade.reference.analysis.counts import conv_params
from cnngrade.reference.analysis.sizes import conv_output_size

GROUPED, SIZE = sym.EXERCISES
(RATIO,) = symbolic_cost.EXERCISES
ALL = (GROUPED, SIZE, RATIO)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread spin on a busy machine (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def evaluate(text: str, names: list[str], values: dict[str, int]) -> Fraction:
    """The canonical string parsed with the exercise's symbols and evaluated exactly."""
    local = {name: _symbols.symbol(name) for name in names}
    expr = sympy.sympify(text, locals=local)
    value = sympy.Rational(expr.subs({local[n]: values[n] for n in names}))
    return Fraction(int(value.p), int(value.q))


def _params_of(module: torch.nn.Module) -> int:
    return sum(t.numel() for t in module.parameters())


def _grouped_point(rng: np.random.Generator) -> dict[str, int]:
    g = int(rng.integers(1, 5))
    return dict(
        g=g,
        C_in=g * int(rng.integers(1, 5)),
        C_out=g * int(rng.integers(1, 5)),
        k=int(rng.integers(1, 6)),
        k_h=int(rng.integers(1, 6)),
        k_w=int(rng.integers(1, 6)),
    )


def _check_variant(exercise, p) -> str:
    spec = exercise.answer_spec(p)
    answer = canonical(exercise.answer(p), spec)
    assert [name for name, _ in spec.symbols] == p["symbols"]
    assert {str(s) for s in sympy.sympify(answer).free_symbols} <= set(p["symbols"])
    for mis in exercise.misconceptions:
        wrong = mis.rule(p)
        assert wrong is None or not same_answer(canonical(wrong, spec), answer, spec), mis.note
    for lang in ("zh", "en"):
        assert bool(CJK.search(exercise.prompt(p, lang))) == (lang == "zh")
        assert exercise.solution(p, lang).endswith(answer_line(answer, spec, lang))
    return answer


def test_grouped_params_match_torch_conv2d():
    rng = np.random.default_rng(0)
    for difficulty in GROUPED.difficulties:
        p = GROUPED.generate(rng_for(difficulty), difficulty)
        answer = _check_variant(GROUPED, p)
        for _ in range(60):
            v = _grouped_point(rng)
            kernel = (v["k_h"], v["k_w"]) if "k_h" in p["symbols"] else (v["k"], v["k"])
            layer = torch.nn.Conv2d(v["C_in"], v["C_out"], kernel, groups=v["g"], bias=p["bias"])
            assert evaluate(answer, p["symbols"], v) == _params_of(layer)
            assert evaluate(answer, p["symbols"], v) == conv_params(
                v["C_in"], v["C_out"], kernel, v["g"], p["bias"]
            )


def test_output_size_matches_torch_shapes():
    rng = np.random.default_rng(1)
    for difficulty in SIZE.difficulties:
        p = SIZE.generate(rng_for(difficulty), difficulty)
        answer = _check_variant(SIZE, p)
        for _ in range(60):
            k, d = int(rng.integers(1, 6)), int(rng.integers(1, 4)) if "d" in p["symbols"] else 1
            s = int(rng.integers(1, 5)) if "s" in p["symbols"] else 1
            pad = int(rng.integers(0, 4))
            n = max(1, d * (k - 1) + 1 - 2 * pad) + int(rng.integers(0, 12))  # the kernel fits
            v = dict(n=n, k=k, p=pad, s=s, d=d)
            out = F.conv1d(
                torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=pad, dilation=d
            )
            assert (
                evaluate(answer, p["symbols"], v)
                == out.shape[-1]
                == conv_output_size(n, k, s, pad, d)
            )


def test_cost_ratio_matches_torch_module_sizes():
    """Parameter ratio of torch's depthwise + pointwise vs standard Conv2d (no bias) = MAC ratio here."""
    rng = np.random.default_rng(2)
    for difficulty in RATIO.difficulties:
        p = RATIO.generate(rng_for(difficulty), difficulty)
        answer = _check_variant(RATIO, p)
        for _ in range(40):
            c_in, c_out, k = (int(v) for v in rng.integers(1, 9, size=3))
            standard = _params_of(torch.nn.Conv2d(c_in, c_out, k, bias=False))
            separable = _params_of(
                torch.nn.Conv2d(c_in, c_in, k, groups=c_in, bias=False)
            ) + _params_of(torch.nn.Conv2d(c_in, c_out, 1, bias=False))
            expected = (
                Fraction(standard, separable)
                if p["quantity"] == "savings"
                else Fraction(separable, standard)
            )
            assert evaluate(answer, p["symbols"], dict(C_in=c_in, C_out=c_out, k=k)) == expected


def test_seed_example_ratio():
    """seeds/000: 10,275 / 86,400 for C_out = 128, k = 3 is 1/128 + 1/9."""
    p = RATIO.generate(rng_for(0), 1)
    assert evaluate(str(RATIO.answer(p)), p["symbols"], dict(C_in=3, C_out=128, k=3)) == Fraction(
        10275, 86400
    )


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.id)
def test_misconceptions_differ_numerically(exercise):
    """Each wrong expression gives a different number from the answer at some valid point."""
    rng = np.random.default_rng(3)
    for difficulty in exercise.difficulties:
        p = exercise.generate(rng_for(difficulty), difficulty)
        answer = str(exercise.answer(p))
        for mis in exercise.misconceptions:
            wrong = mis.rule(p)
            if wrong is None:
                continue
            points = [
                dict(
                    _grouped_point(rng),
                    n=int(rng.integers(8, 30)),
                    p=int(rng.integers(0, 3)),
                    s=int(rng.integers(2, 4)),
                    d=int(rng.integers(2, 4)),
                )
                for _ in range(20)
            ]
            assert any(
                evaluate(str(wrong), p["symbols"], v) != evaluate(answer, p["symbols"], v)
                for v in points
            )
