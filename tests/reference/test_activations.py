"""reference.activations against torch.nn.functional in float64, gradients included."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference import activations as A
from cnngrade.reference.compare import compare, compare_with_gradients

PAIRS = {
    "relu": (A.relu, F.relu),
    "relu6": (A.relu6, F.relu6),
    "leaky_relu": (lambda x: A.leaky_relu(x, 0.2), lambda x: F.leaky_relu(x, 0.2)),
    "leaky_relu_default": (A.leaky_relu, F.leaky_relu),
    "sigmoid": (A.sigmoid, torch.sigmoid),
    "tanh": (A.tanh, torch.tanh),
    "hard_sigmoid": (A.hard_sigmoid, F.hardsigmoid),
    "hard_swish": (A.hard_swish, F.hardswish),
    "softmax_last": (lambda x: A.softmax(x, -1), lambda x: F.softmax(x, -1)),
    "softmax_first": (lambda x: A.softmax(x, 0), lambda x: F.softmax(x, 0)),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
@settings(max_examples=20, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    scale=st.sampled_from([0.5, 4.0, 40.0]),
    seed=st.integers(0, 999),
)
def test_matches_torch_with_gradients(name, shape, scale, seed, device):
    ours, theirs = PAIRS[name]
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(shape, dtype=torch.float64, generator=g) * scale).to(device).requires_grad_()
    # torch's float64 hardsigmoid backward multiplies by the float32 constant 1/6 (0.16666667163...),
    # 3e-8 relative off the exact 1/6 the reference's autograd gives
    rtol = 1e-7 if name.startswith("hard_") else 1e-10
    assert compare_with_gradients(ours, theirs, [x], rtol=rtol, atol=1e-12).ok


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_kinks_extremes_and_nan_match_torch(name, device):
    ours, theirs = PAIRS[name]
    x = torch.tensor(
        [-800.0, -6.0, -3.0, -1e-300, 0.0, 3.0, 6.0, 800.0, float("nan")],
        dtype=torch.float64,
        device=device,
    )
    # torch's CUDA float64 hardsigmoid/hardswish *forward* also uses the float32 constant 1/6:
    # hardsigmoid(-1e-300) = 0.5000000149 there (seen on an H200, torch 2.11.0+cu130); CPU is exact
    loose = name.startswith("hard_") and x.device.type == "cuda"
    assert compare(ours(x), theirs(x), rtol=1e-7 if loose else 1e-12, atol=0).ok
    assert torch.isnan(ours(x)[-1])


def test_hard_sigmoid_is_relu6_shifted():
    # torch's definitions: hardsigmoid(x) = relu6(x + 3) / 6, hardswish(x) = x * hardsigmoid(x)
    x = torch.linspace(-5, 5, 41, dtype=torch.float64)
    assert torch.equal(A.hard_sigmoid(x), A.relu6(x + 3) / 6)
    assert compare(A.hard_swish(x), x * A.hard_sigmoid(x), rtol=1e-15, atol=0).ok


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: A.relu(torch.ones(2, dtype=torch.int64)), "dtype"),
        (lambda: A.softmax(torch.ones(2, 3), 2), "dim=2"),
        (lambda: A.leaky_relu(torch.ones(2), "x"), "negative_slope"),
        (lambda: A.sigmoid([1.0]), "torch.Tensor"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
