"""reference.layers against torch in float64: linear, batch norm (with running stats), LN, LRN, dropout."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference import layers as L
from cnngrade.reference.compare import compare, compare_with_gradients

TIGHT = {"rtol": 1e-10, "atol": 1e-12}


def _randn(shape, seed, device):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, dtype=torch.float64, generator=g).to(device)


@settings(max_examples=25, deadline=None)
@given(
    lead=st.lists(st.integers(1, 4), min_size=0, max_size=2),
    fin=st.integers(1, 5),
    fout=st.integers(1, 5),
    bias=st.booleans(),
    seed=st.integers(0, 999),
)
def test_linear_matches_torch_with_gradients(lead, fin, fout, bias, seed, device):
    x = _randn((*lead, fin), seed, device).requires_grad_()
    w = _randn((fout, fin), seed + 1, device).requires_grad_()
    b = _randn((fout,), seed + 2, device).requires_grad_() if bias else None
    inputs = [x, w] + ([b] if bias else [])

    def ours(x, w, b=None):
        return L.linear(x, w, b)

    def theirs(x, w, b=None):
        return F.linear(x, w, b)

    assert compare_with_gradients(ours, theirs, inputs, **TIGHT).ok


@settings(max_examples=25, deadline=None)
@given(
    spatial=st.integers(0, 3),
    n=st.integers(2, 4),
    c=st.integers(1, 4),
    momentum=st.floats(0.0, 1.0),
    seed=st.integers(0, 999),
)
def test_batch_norm_training_updates_running_stats_like_torch_over_steps(
    spatial, n, c, momentum, seed, device
):
    shape = (n, c, *([3] * spatial))
    ours_rm, ours_rv = (
        torch.zeros(c, dtype=torch.float64, device=device),
        torch.ones(c, dtype=torch.float64, device=device),
    )
    ref_rm, ref_rv = ours_rm.clone(), ours_rv.clone()
    w, b = _randn((c,), seed, device), _randn((c,), seed + 1, device)
    for step in range(3):
        x = _randn(shape, seed + 10 + step, device) * (step + 1) + step
        out = L.batch_norm(x, ours_rm, ours_rv, w, b, training=True, momentum=momentum)
        ref = F.batch_norm(x, ref_rm, ref_rv, w, b, training=True, momentum=momentum)
        assert compare(out, ref, **TIGHT).ok
        assert compare(ours_rm, ref_rm, **TIGHT).ok and compare(ours_rv, ref_rv, **TIGHT).ok
    x = _randn(shape, seed + 99, device)
    assert compare(
        L.batch_norm(x, ours_rm, ours_rv, w, b), F.batch_norm(x, ref_rm, ref_rv, w, b), **TIGHT
    ).ok


def test_batch_norm_gradients_match_torch(device):
    x = _randn((4, 3, 2, 2), 0, device).requires_grad_()
    w, b = _randn((3,), 1, device).requires_grad_(), _randn((3,), 2, device).requires_grad_()

    def ours(x, w, b):
        return L.batch_norm(x, None, None, w, b, training=True)

    def theirs(x, w, b):
        return F.batch_norm(x, None, None, w, b, training=True)

    assert compare_with_gradients(ours, theirs, [x, w, b], **TIGHT).ok


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    k=st.integers(1, 3),
    affine=st.booleans(),
    seed=st.integers(0, 999),
)
def test_layer_norm_matches_torch(shape, k, affine, seed, device):
    k = min(k, len(shape))
    norm = tuple(shape[-k:])
    x = _randn(tuple(shape), seed, device).requires_grad_()
    inputs = [x]
    if affine:
        inputs += [
            _randn(norm, seed + 1, device).requires_grad_(),
            _randn(norm, seed + 2, device).requires_grad_(),
        ]

    def ours(x, w=None, b=None):
        return L.layer_norm(x, norm, w, b)

    def theirs(x, w=None, b=None):
        return F.layer_norm(x, norm, w, b)

    assert compare_with_gradients(ours, theirs, inputs, **TIGHT).ok


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 2),
    c=st.integers(1, 9),
    size=st.integers(1, 7),
    spatial=st.integers(1, 2),
    seed=st.integers(0, 999),
)
def test_local_response_norm_matches_torch(n, c, size, spatial, seed, device):
    x = _randn((n, c, *([3] * spatial)), seed, device)
    kw = {"alpha": 1e-2, "beta": 0.75, "k": 2.0}
    assert compare(
        L.local_response_norm(x, size, **kw), F.local_response_norm(x, size, **kw), **TIGHT
    ).ok


def test_local_response_norm_paper_convention_is_torch_with_n_alpha(device):
    # AlexNet (Krizhevsky et al. 2012, §3.3): k=2, n=5, alpha=1e-4, beta=0.75 on an un-averaged sum
    x = _randn((2, 8, 4, 4), 7, device) * 30
    paper = L.local_response_norm(x, 5, alpha=1e-4, beta=0.75, k=2.0, convention="paper")
    assert compare(paper, F.local_response_norm(x, 5, alpha=5e-4, beta=0.75, k=2.0), **TIGHT).ok
    # one value by hand: channel 0 sums channels 0..2
    sq = (x[0, :3, 0, 0] ** 2).sum()
    assert compare(paper[0, 0, 0, 0], x[0, 0, 0, 0] / (2 + 1e-4 * sq) ** 0.75, **TIGHT).ok


def test_dropout_is_seeded_inverted_and_identity_in_eval(device):
    x = torch.ones(2000, dtype=torch.float64, device=device)
    a = L.dropout(x, 0.3, rng=np.random.default_rng(5))
    b = L.dropout(x, 0.3, rng=np.random.default_rng(5))
    assert torch.equal(a, b)
    assert set(a.unique().tolist()) <= {0.0, 1 / 0.7}
    assert abs((a == 0).double().mean().item() - 0.3) < 0.05
    assert L.dropout(x, 0.3, training=False) is x
    assert torch.equal(L.dropout(x, 1.0, rng=np.random.default_rng(0)), torch.zeros_like(x))
    # the mask is exactly numpy's draw: kept where u >= p
    u = np.random.default_rng(9).random(10)
    kept = L.dropout(torch.ones(10, device=device), 0.5, rng=np.random.default_rng(9)) > 0
    assert kept.cpu().tolist() == (u >= 0.5).tolist()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: L.linear(torch.ones(2, 3), torch.ones(4, 2)), "in_features=3"),
        (lambda: L.linear(torch.ones(2, 3), torch.ones(4, 3), torch.ones(3)), "bias"),
        (lambda: L.batch_norm(torch.ones(1, 3), None, None, training=True), "more than 1 value"),
        (lambda: L.batch_norm(torch.ones(2, 3), torch.zeros(2), torch.ones(3)), "running_mean"),
        (lambda: L.batch_norm(torch.ones(2, 3), None, None), "eval mode"),
        (lambda: L.layer_norm(torch.ones(2, 3), (2,)), "normalized_shape"),
        (lambda: L.local_response_norm(torch.ones(2, 3), 2), "spatial"),
        (lambda: L.local_response_norm(torch.ones(1, 2, 3), 0), "size"),
        (lambda: L.dropout(torch.ones(3), 1.5, rng=np.random.default_rng(0)), "p must be"),
        (lambda: L.dropout(torch.ones(3), 0.5), "rng"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_dropout_mask_is_the_same_on_every_device(device):
    x = torch.arange(1, 65, dtype=torch.float64).reshape(8, 8)
    on_cpu = L.dropout(x, 0.25, rng=np.random.default_rng(11))
    on_device = L.dropout(x.to(device), 0.25, rng=np.random.default_rng(11))
    assert on_device.device.type == device.type
    # the same elements are dropped; the kept ones are scaled by 1/(1-p) within an ulp (a GPU may
    # fuse the multiply differently)
    assert torch.equal(on_device.cpu() == 0, on_cpu == 0)
    assert torch.allclose(on_device.cpu(), on_cpu, rtol=1e-15, atol=0)
    assert (on_cpu == 0).sum() not in (0, x.numel())
