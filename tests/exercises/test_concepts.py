"""Concept multiple choice: the keyed option is checked against NumPy/torch directly, options are distinct
and shuffled, and each misconception points at another option."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnngrade.exercises.bank import concepts, concepts_corr, concepts_layers
from cnngrade.exercises.instantiate import canonical
from cnngrade.exercises.render import answer_line
from cnngrade.exercises.seeding import rng_for

ALL = concepts.EXERCISES + concepts_layers.EXERCISES + concepts_corr.EXERCISES
CJK = re.compile(r"[\u4e00-\u9fff]")
NUMPY_MODE = {
    "constant": "constant",
    "reflect": "reflect",
    "symmetric": "symmetric",
    "replicate": "edge",
    "circular": "wrap",
}


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread spin on a busy machine (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _option(exercise, p, index: int) -> str:
    return exercise.answer_spec(p).choices[index]("en")


def _matrix(text: str) -> list[list[int]]:
    body = text.split(r"\begin{bmatrix}")[1].split(r"\end{bmatrix}")[0]
    return [[int(v) for v in row.split("&")] for row in body.split(r"\\")]


def check_padding(exercise, p, index):
    expected = np.pad(np.array(p["row"]), 2, mode=NUMPY_MODE[p["mode"]]).tolist()
    assert _option(exercise, p, index) == f"`{' '.join(map(str, expected))}`"


def check_same(exercise, p, index):
    left, right = (int(v) for v in re.findall(r"-?\d+", _option(exercise, p, index)))
    x, w = (
        torch.randn(1, 1, 11, dtype=torch.float64),
        torch.randn(1, 1, p["kernel"], dtype=torch.float64),
    )
    same = F.conv1d(x, w, padding="same", dilation=p["dilation"])
    assert torch.allclose(same, F.conv1d(F.pad(x, (left, right)), w, dilation=p["dilation"]))


def check_pooling(exercise, p, index):
    layer = (torch.nn.MaxPool2d if p["op"] == "max" else torch.nn.AvgPool2d)(p["kernel"])
    channels = layer(torch.zeros(1, p["channels"], p["size"], p["size"])).shape[1]
    params = sum(t.numel() for t in layer.parameters())
    assert _option(exercise, p, index).startswith(f"{params} parameters, {channels} output")


def check_1x1(exercise, p, index):
    layer = torch.nn.Conv2d(p["c_in"], p["c_out"], 1)
    shape = layer(torch.zeros(1, p["c_in"], p["size"], p["size"])).shape[1:]
    params = sum(t.numel() for t in layer.parameters())
    assert _option(exercise, p, index).endswith(
        f"output {' × '.join(map(str, shape))}, {params} parameters"
    )


def check_corr(exercise, p, index):
    x = torch.tensor(p["X"], dtype=torch.float64)[None, None]
    k = torch.tensor(p["K"], dtype=torch.float64)[None, None]
    assert _matrix(_option(exercise, p, index)) == F.conv2d(x, k)[0, 0].long().tolist()


CHECKS = dict(
    zip(
        [e.id for e in ALL],
        [check_padding, check_same, check_pooling, check_1x1, check_corr],
        strict=True,
    )
)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.id)
def test_keyed_option_is_what_torch_computes(exercise):
    positions = set()
    for difficulty in exercise.difficulties:
        for seed in range(100):
            p = exercise.generate(rng_for(seed), difficulty)
            spec = exercise.answer_spec(p)
            answer = canonical(exercise.answer(p), spec)
            positions.add(answer)
            CHECKS[exercise.id](exercise, p, answer)
            texts = [c("en") for c in spec.choices]
            assert len(set(texts)) == len(texts)  # no two options alike
            for mis in exercise.misconceptions:
                wrong = mis.rule(p)
                assert wrong is None or canonical(wrong, spec) != answer, mis.note
            for lang in ("zh", "en"):
                assert bool(CJK.search(exercise.prompt(p, lang))) == (lang == "zh")
                assert exercise.solution(p, lang).endswith(answer_line(answer, spec, lang))
    assert positions == set(
        range(len(spec.choices))
    )  # shuffled: the key is not always in one place


def test_opencv_reflect_is_torch_symmetric():
    """seeds/000 names OpenCV border types; BORDER_REFLECT repeats the edge."""
    assert concepts.padded_row([1, 2, 3, 4], "BORDER_REFLECT") == [2, 1, 1, 2, 3, 4, 4, 3]
    assert concepts.padded_row([1, 2, 3, 4], "BORDER_REFLECT_101") == [3, 2, 1, 2, 3, 4, 3, 2]
