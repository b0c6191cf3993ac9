"""One LSTM / GRU step: answers against torch.nn.LSTMCell / GRUCell (and d2l's GRU equations)."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
import torch

from cnngrade.exercises.bank import _gates, recurrent_gru
from cnngrade.exercises.bank import recurrent as rec
from cnngrade.exercises.bank import recurrent_params as rec_params
from cnngrade.exercises.instantiate import canonical, same_answer
from cnngrade.exercises.render import answer_line
from cnngrade.exercises.seeding import rng_for

(LSTM,) = rec.EXERCISES
(GRU,) = recurrent_gru.EXERCISES
CJK = re.compile(r"[\u4e00-\u9fff]")
SEEDS = range(100)


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread spin on a busy machine (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _load(cell: torch.nn.Module, p) -> torch.nn.Module:
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            key = name.replace("weight", "w").replace("bias", "b")
            getattr(cell, name).copy_(torch.tensor(p[key], dtype=torch.float64))
    return cell


def torch_lstm(p) -> list[list[float]]:
    cell = _load(torch.nn.LSTMCell(len(p["x"]), len(p["h"]), dtype=torch.float64), p)
    t = lambda k: torch.tensor([p[k]], dtype=torch.float64)  # noqa: E731
    with torch.no_grad():
        h, c = cell(t("x"), (t("h"), t("c")))
    return [h[0].tolist(), c[0].tolist()]


def torch_gru(p) -> list[list[float]]:
    t = lambda k: torch.tensor([p[k]], dtype=torch.float64)  # noqa: E731
    if p["convention"] == "torch":
        cell = _load(torch.nn.GRUCell(len(p["x"]), len(p["h"]), dtype=torch.float64), p)
        with torch.no_grad():
            return [cell(t("x"), t("h"))[0].tolist()]
    # d2l 9.1 (row vectors): H~ = tanh(X W_xh + (R ⊙ H) W_hh + b_h), H = Z ⊙ H + (1 - Z) ⊙ H~
    X, H = t("x"), t("h")
    W_x, W_h = (torch.tensor(p[k], dtype=torch.float64).T.chunk(3, dim=1) for k in ("w_ih", "w_hh"))
    b = (
        torch.tensor(p["b_ih"], dtype=torch.float64) + torch.tensor(p["b_hh"], dtype=torch.float64)
    ).chunk(3)
    R = torch.sigmoid(X @ W_x[0] + H @ W_h[0] + b[0])
    Z = torch.sigmoid(X @ W_x[1] + H @ W_h[1] + b[1])
    H_tilde = torch.tanh(X @ W_x[2] + (R * H) @ W_h[2] + b[2])
    return [(Z * H + (1 - Z) * H_tilde)[0].tolist()]


@pytest.mark.parametrize(
    "exercise, independent", [(LSTM, torch_lstm), (GRU, torch_gru)], ids=["lstm", "gru"]
)
def test_every_variant_matches_torch(exercise, independent):
    """Wrong rules may fall within the tolerance on some variants (instantiate then drops them);
    each must still be distinguishable on at least half of the variants where it applies."""
    applies, distinct = Counter(), Counter()
    for difficulty in exercise.difficulties:
        for seed in SEEDS:
            p = exercise.generate(rng_for(seed), difficulty)
            spec = exercise.answer_spec(p)
            answer = canonical(exercise.answer(p), spec)
            assert np.allclose(answer, independent(p), rtol=0, atol=1e-12)
            for mis in exercise.misconceptions:
                wrong = mis.rule(p)
                if wrong is not None:
                    applies[mis.note] += 1
                    distinct[mis.note] += not same_answer(canonical(wrong, spec), answer, spec)
            for lang in ("zh", "en"):
                assert bool(CJK.search(exercise.prompt(p, lang))) == (lang == "zh")
                assert exercise.solution(p, lang).endswith(answer_line(answer, spec, lang))
    for mis in exercise.misconceptions:
        assert applies[mis.note] >= 100 and distinct[mis.note] >= applies[mis.note] / 2, (
            mis.note,
            applies,
            distinct,
        )


def test_worked_solution_intermediates_match_the_reference():
    """The NumPy gate arithmetic shown in solutions ends where the reference ends."""
    for seed in range(50):
        p = LSTM.generate(rng_for(seed), 3)
        step = _gates.lstm_numpy(p)
        assert np.allclose([step["H"], step["C"]], LSTM.answer(p), atol=1e-12)
        q = GRU.generate(rng_for(seed), 3)
        assert np.allclose([_gates.gru_numpy(q)["H"]], GRU.answer(q), atol=1e-12)


def test_gru_conventions_differ_only_through_the_reset_gate():
    p = GRU.generate(rng_for(3), 3)
    both = {c: _gates.gru_numpy(p, convention=c)["H"] for c in ("torch", "d2l")}
    assert not np.allclose(both["torch"], both["d2l"])
    ones = _gates.gru_numpy(p, convention="torch", use_reset=False)["H"]
    assert np.allclose(ones, _gates.gru_numpy(p, convention="d2l", use_reset=False)["H"])


def torch_count(p) -> int:
    """torch.nn.LSTM / GRU's own parameter count; the slides' single bias drops G·H per layer."""
    layer = torch.nn.LSTM if p["cell"] == "lstm" else torch.nn.GRU
    module = layer(p["input_size"], p["hidden_size"], num_layers=p["num_layers"])
    count = sum(t.numel() for t in module.parameters())
    gates = 4 if p["cell"] == "lstm" else 3
    return (
        count if p["convention"] == "torch" else count - gates * p["hidden_size"] * p["num_layers"]
    )


@pytest.mark.parametrize("exercise", rec_params.EXERCISES, ids=lambda e: e.id)
def test_parameter_counts_match_torch_modules(exercise):
    for difficulty in exercise.difficulties:
        for seed in range(60):
            p = exercise.generate(rng_for(seed), difficulty)
            spec = exercise.answer_spec(p)
            answer = canonical(exercise.answer(p), spec)
            assert answer == torch_count(p)
            for mis in exercise.misconceptions:
                wrong = mis.rule(p)
                assert wrong is None or canonical(wrong, spec) != answer, mis.note
            for lang in ("zh", "en"):
                assert bool(CJK.search(exercise.prompt(p, lang))) == (lang == "zh")
                assert exercise.solution(p, lang).endswith(answer_line(answer, spec, lang))


def test_three_gate_lstm_is_the_gru_count():
    lstm = rec_params.EXERCISES[0]
    p = dict(cell="lstm", input_size=10, hidden_size=20, num_layers=1, convention="torch")
    three = next(m for m in lstm.misconceptions if m.note == "three_gates")
    assert lstm.answer(p) == 2560 and three.rule(p) == 1920  # torch: 4·20·(10+20+2), 3·20·(10+20+2)
