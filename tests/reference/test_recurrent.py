"""reference.recurrent against torch.nn cells and sequence modules with the same weights (float64)."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference import recurrent as R
from cnngrade.reference.compare import compare

TIGHT = {"rtol": 1e-10, "atol": 1e-12}
SIZES = {
    "n": st.integers(1, 3),
    "size_in": st.integers(1, 4),
    "hidden": st.integers(1, 4),
    "bias": st.booleans(),
    "seed": st.integers(0, 999),
}


def _module(cls, size_in, hidden, bias, seed, device, **kw):
    module = cls(size_in, hidden, bias=bias, **kw).double()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():  # our own seeded weights, not torch's global-RNG initializer
        for param in module.parameters():
            param.copy_(torch.randn(param.shape, dtype=torch.float64, generator=g) * 0.7)
    return module.to(device)


def _randn(shape, seed, device):
    return torch.randn(
        shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed)
    ).to(device)


def _params(cell, suffix=""):
    names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    return [getattr(cell, n + suffix, None) for n in names]


@settings(max_examples=20, deadline=None)
@given(nonlinearity=st.sampled_from(["tanh", "relu"]), **SIZES)
def test_rnn_cell_matches_torch(nonlinearity, n, size_in, hidden, bias, seed, device):
    cell = _module(torch.nn.RNNCell, size_in, hidden, bias, seed, device, nonlinearity=nonlinearity)
    x, h = _randn((n, size_in), seed, device), _randn((n, hidden), seed + 1, device)
    ours = R.rnn_cell(x, h, *_params(cell), nonlinearity=nonlinearity)
    assert compare(ours, cell(x, h), **TIGHT).ok


@settings(max_examples=20, deadline=None)
@given(**SIZES)
def test_lstm_cell_matches_torch(n, size_in, hidden, bias, seed, device):
    cell = _module(torch.nn.LSTMCell, size_in, hidden, bias, seed, device)
    x = _randn((n, size_in), seed, device)
    h, c = _randn((n, hidden), seed + 1, device), _randn((n, hidden), seed + 2, device)
    H, C = R.lstm_cell(x, h, c, *_params(cell))
    h_ref, c_ref = cell(x, (h, c))
    assert compare(H, h_ref, **TIGHT).ok and compare(C, c_ref, **TIGHT).ok


@settings(max_examples=20, deadline=None)
@given(**SIZES)
def test_gru_cell_torch_convention_matches_torch(n, size_in, hidden, bias, seed, device):
    cell = _module(torch.nn.GRUCell, size_in, hidden, bias, seed, device)
    x, h = _randn((n, size_in), seed, device), _randn((n, hidden), seed + 1, device)
    assert compare(R.gru_cell(x, h, *_params(cell)), cell(x, h), **TIGHT).ok


def test_gru_d2l_convention_follows_the_slides(device):
    # 001_e1c1884862443026.txt (d2l): R = σ(X W_xr + H W_hr + b_r), Z = σ(X W_xz + H W_hz + b_z),
    # H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h), H = Z ⊙ H_prev + (1 - Z) ⊙ H̃; written out independently
    x, h = _randn((2, 3), 0, device), _randn((2, 4), 1, device)
    w_ih, w_hh, b_ih, b_hh = (
        _randn((12, 3), 2, device),
        _randn((12, 4), 3, device),
        _randn((12,), 4, device),
        _randn((12,), 5, device),
    )
    W_xr, W_xz, W_xh = (w.T for w in w_ih.chunk(3))
    W_hr, W_hz, W_hh = (w.T for w in w_hh.chunk(3))
    b_r, b_z, b_h = (a + b for a, b in zip(b_ih.chunk(3), b_hh.chunk(3), strict=True))
    Rg = torch.sigmoid(x @ W_xr + h @ W_hr + b_r)
    Z = torch.sigmoid(x @ W_xz + h @ W_hz + b_z)
    H_tilde = torch.tanh(x @ W_xh + (Rg * h) @ W_hh + b_h)
    expected = Z * h + (1 - Z) * H_tilde
    ours = R.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh, convention="d2l")
    assert compare(ours, expected, **TIGHT).ok
    # the two conventions are different functions of the same weights
    assert not compare(ours, R.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh), **TIGHT).ok


@settings(max_examples=15, deadline=None)
@given(
    kind=st.sampled_from(["rnn_tanh", "rnn_relu", "lstm", "gru"]),
    steps=st.integers(1, 5),
    zero_state=st.booleans(),
    **SIZES,
)
def test_unrolled_sequences_match_torch_modules(
    kind, steps, zero_state, n, size_in, hidden, bias, seed, device
):
    x = _randn((steps, n, size_in), seed, device)
    h0 = None if zero_state else _randn((n, hidden), seed + 1, device)
    if kind == "lstm":
        mod = _module(torch.nn.LSTM, size_in, hidden, bias, seed, device)
        c0 = None if zero_state else _randn((n, hidden), seed + 2, device)
        out, (h, c) = R.lstm(x, h0, c0, *_params(mod, "_l0"))
        ref, (h_ref, c_ref) = mod(x) if zero_state else mod(x, (h0[None], c0[None]))
        assert compare(c, c_ref[0], **TIGHT).ok
    elif kind == "gru":
        mod = _module(torch.nn.GRU, size_in, hidden, bias, seed, device)
        out, h = R.gru(x, h0, *_params(mod, "_l0"))
        ref, h_ref = mod(x) if zero_state else mod(x, h0[None])
    else:
        nl = kind.split("_")[1]
        mod = _module(torch.nn.RNN, size_in, hidden, bias, seed, device, nonlinearity=nl)
        out, h = R.rnn(x, h0, *_params(mod, "_l0"), nonlinearity=nl)
        ref, h_ref = mod(x) if zero_state else mod(x, h0[None])
    assert compare(out, ref, **TIGHT).ok and compare(h, h_ref[0], **TIGHT).ok


def test_unbatched_cells_match_torch(device):
    cell = _module(torch.nn.LSTMCell, 3, 2, True, 0, device)
    x, h, c = _randn((3,), 0, device), _randn((2,), 1, device), _randn((2,), 2, device)
    H, C = R.lstm_cell(x, h, c, *_params(cell))
    h_ref, c_ref = cell(x, (h, c))
    assert H.shape == (2,) and compare(H, h_ref, **TIGHT).ok and compare(C, c_ref, **TIGHT).ok


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: R.lstm_cell(
                torch.ones(1, 3),
                torch.ones(1, 3),
                torch.ones(1, 3),
                torch.ones(12, 2),
                torch.ones(12, 3),
            ),
            r"w_ih has shape \(12, 2\).*hidden size 3.*\(4\*3, input_size\) = \(12, 3\)",
        ),
        (
            lambda: R.lstm_cell(
                torch.ones(1, 3),
                torch.ones(1, 3),
                torch.ones(1, 2),
                torch.ones(12, 3),
                torch.ones(12, 3),
            ),
            "cx",
        ),
        (
            lambda: R.gru_cell(
                torch.ones(1, 3), torch.ones(1, 3), torch.ones(9, 3), torch.ones(9, 2)
            ),
            "w_hh",
        ),
        (
            lambda: R.gru_cell(
                torch.ones(1, 3),
                torch.ones(1, 3),
                torch.ones(9, 3),
                torch.ones(9, 3),
                torch.ones(3),
            ),
            "b_ih",
        ),
        (
            lambda: R.gru_cell(
                torch.ones(1, 3),
                torch.ones(1, 3),
                torch.ones(9, 3),
                torch.ones(9, 3),
                convention="keras",
            ),
            "convention",
        ),
        (
            lambda: R.rnn_cell(
                torch.ones(1, 3), torch.ones(2, 3), torch.ones(3, 3), torch.ones(3, 3)
            ),
            "hx",
        ),
        (
            lambda: R.rnn_cell(
                torch.ones(1, 3),
                torch.ones(1, 3),
                torch.ones(3, 3),
                torch.ones(3, 3),
                nonlinearity="gelu",
            ),
            "nonlinearity",
        ),
        (
            lambda: R.rnn(torch.ones(2, 2, 2, 2), None, torch.ones(3, 2), torch.ones(3, 3)),
            "input has shape",
        ),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=12, deadline=None)
@given(
    kind=st.sampled_from(["RNN", "LSTM", "GRU"]),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
    batched=st.booleans(),
    given_state=st.booleans(),
    seed=st.integers(0, 99),
)
def test_sequence_modules_match_torch(
    kind, layers, bidirectional, batch_first, batched, given_state, seed, device
):
    from cnngrade.reference import nn as RN

    kw = {"num_layers": layers, "bidirectional": bidirectional, "batch_first": batch_first}
    theirs = _module(getattr(torch.nn, kind), 3, 4, True, seed, device, **kw)
    ours = getattr(RN, kind)(3, 4, **kw).double().to(device)
    ours.load_state_dict(theirs.state_dict())
    shape = ((2, 5, 3) if batch_first else (5, 2, 3)) if batched else (5, 3)
    x = _randn(shape, seed, device)
    state_shape = (layers * (2 if bidirectional else 1), *((2,) if batched else ()), 4)
    hx = None
    if given_state:
        hx = _randn(state_shape, seed + 1, device)
        hx = (hx, _randn(state_shape, seed + 2, device)) if kind == "LSTM" else hx
    (out, state), (ref, ref_state) = ours(x, hx), theirs(x, hx)
    assert compare(out, ref, **TIGHT).ok
    for a, b in zip(
        state if kind == "LSTM" else [state],
        ref_state if kind == "LSTM" else [ref_state],
        strict=True,
    ):
        assert compare(a, b, **TIGHT).ok


def test_sequence_module_options_the_reference_lacks_are_refused():
    from cnngrade.reference import nn as RN

    with pytest.raises(ValueError, match="proj_size"):
        RN.LSTM(3, 4, proj_size=2)(torch.zeros(2, 1, 3))
    with pytest.raises(ValueError, match="dropout"):
        RN.GRU(3, 4, num_layers=2, dropout=0.5)(torch.zeros(2, 1, 3))
    assert RN.GRU(3, 4, num_layers=2, dropout=0.5).eval()(torch.zeros(2, 1, 3))[0].shape == (
        2,
        1,
        4,
    )
    with pytest.raises(ValueError, match="convention"):
        RN.GRU(3, 4, convention="keras")


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_cell_gradients_match_torch(kind, device):
    from cnngrade.reference.compare import compare_with_gradients

    size_in, hidden = 3, 4
    gates = 4 if kind == "lstm" else 3
    inputs = [
        _randn((2, size_in), 0, device),
        _randn((2, hidden), 1, device),
        _randn((2, hidden), 2, device),
        _randn((gates * hidden, size_in), 3, device),
        _randn((gates * hidden, hidden), 4, device),
        _randn((gates * hidden,), 5, device),
        _randn((gates * hidden,), 6, device),
    ]

    def ours(x, h, c, w_ih, w_hh, b_ih, b_hh):
        if kind == "lstm":
            return torch.cat(R.lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh), dim=1)
        return R.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh) + 0 * c.sum()

    cell = (
        (torch.nn.LSTMCell if kind == "lstm" else torch.nn.GRUCell)(size_in, hidden)
        .double()
        .to(device)
    )

    def theirs(x, h, c, w_ih, w_hh, b_ih, b_hh):
        params = {"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih, "bias_hh": b_hh}
        if kind == "lstm":
            return torch.cat(torch.func.functional_call(cell, params, (x, (h, c))), dim=1)
        return torch.func.functional_call(cell, params, (x, h)) + 0 * c.sum()

    assert compare_with_gradients(ours, theirs, inputs, **TIGHT).ok
