"""counts.py: the seeds' worked numbers, real torch layers, sympy symbols, and bad input."""

from __future__ import annotations

import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference.analysis import counts
from cnngrade.reference.analysis.sizes import conv_output_size


def _numel(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_seed_000_depthwise_separable_multiplications():
    # seed 000: 128 kernels 3x3x3 over 5x5 positions: 86,400 vs 675 + 9,600 = 10,275 (about 12%)
    assert counts.conv_macs(3, 128, (3, 3), (5, 5)) == 86_400
    depthwise = counts.conv_macs(3, 3, (3, 3), (5, 5), groups=3)
    assert depthwise == 675
    assert counts.depthwise_separable_macs(3, 128, (3, 3), (5, 5)) == depthwise + 9_600 == 10_275
    ratio = counts.depthwise_separable_cost_ratio(128, (3, 3))
    assert ratio == sympy.Rational(10_275, 86_400)
    assert round(float(ratio), 2) == 0.12


def test_seed_000_sobel_spatially_separable():
    # seed 000: a 3x3 Sobel kernel as 3x1 times 1x3: 6 parameters instead of 9, 45 + 27 = 72 vs 81
    assert counts.spatially_separable_params((3, 3)) == 6
    assert counts.conv_params(1, 1, (3, 3), bias=False) == 9
    assert counts.conv_macs(1, 1, (3, 3), (3, 3)) == 81
    assert counts.spatially_separable_macs((5, 5), (3, 3)) == 15 * 3 + 9 * 3 == 72


def test_seed_001_alexnet_parameter_table():
    # seed 001 "AlexNet 参数数量" (two GPUs: C2, C4, C5 in 2 groups); the output layer without bias
    table = [
        counts.conv_params(3, 96, (11, 11)),
        counts.conv_params(96, 256, (5, 5), groups=2),
        counts.conv_params(256, 384, (3, 3)),
        counts.conv_params(384, 384, (3, 3), groups=2),
        counts.conv_params(384, 256, (3, 3), groups=2),
        counts.linear_params(6 * 6 * 256, 4096),
        counts.linear_params(4096, 4096),
        counts.linear_params(4096, 1000, bias=False),
    ]
    assert table == [34_944, 307_456, 885_120, 663_936, 442_624, 37_752_832, 16_781_312, 4_096_000]
    assert sum(table) == 60_964_224
    assert counts.linear_params(4096, 1000) == 4_097_000  # with the bias the seed leaves out


def test_seed_001_alexnet_neurons():
    maps = [
        (96, 55, 55),
        (256, 27, 27),
        (384, 13, 13),
        (384, 13, 13),
        (256, 13, 13),
        (4096,),
        (4096,),
        (1000,),
    ]
    assert [counts.neurons(s) for s in maps[:5]] == [290_400, 186_624, 64_896, 64_896, 43_264]
    assert sum(counts.neurons(s) for s in maps) == 659_272


def test_seed_001_two_3x3_versus_one_5x5():
    # seed 001: two stacked 3x3 kernels (one channel, with bias) 20 parameters, one 5x5: 26
    assert 2 * counts.conv_params(1, 1, (3, 3)) == 20
    assert counts.conv_params(1, 1, (5, 5)) == 26


def test_grouped_conv_params_halve_with_two_groups():
    # seed 000: grouping the channels in 2 halves the weights
    assert counts.conv_params(64, 128, (3, 3), groups=2, bias=False) * 2 == counts.conv_params(
        64, 128, (3, 3), bias=False
    )


def test_symbolic_formulas():
    c_in, c_out, k, g, h, w = sympy.symbols("C_in C_out k g H W", positive=True, integer=True)
    assert (
        sympy.simplify(
            counts.conv_params(c_in, c_out, (k, k), groups=g) - (c_out * (c_in / g) * k * k + c_out)
        )
        == 0
    )
    assert (
        sympy.simplify(
            counts.depthwise_separable_cost_ratio(c_out, (k, k)) - (1 / c_out + 1 / k**2)
        )
        == 0
    )
    standard = counts.conv_macs(c_in, c_out, (k, k), (h, w))
    separable = counts.depthwise_separable_macs(c_in, c_out, (k, k), (h, w))
    assert sympy.simplify(separable / standard - (1 / c_out + 1 / k**2)) == 0
    assert counts.lstm_params(c_in, h) == 4 * h * (c_in + h + 2)
    assert counts.neurons((c_out, h, w)) == c_out * h * w


@settings(max_examples=30, deadline=None)
@given(
    groups=st.integers(1, 3),
    per_group_in=st.integers(1, 3),
    per_group_out=st.integers(1, 3),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    bias=st.booleans(),
    h=st.integers(7, 10),
    w=st.integers(7, 10),  # span <= 7
)
def test_conv_counts_match_torch_layers(
    groups, per_group_in, per_group_out, kh, kw, stride, padding, dilation, bias, h, w
):
    c_in, c_out = groups * per_group_in, groups * per_group_out
    layer = torch.nn.Conv2d(c_in, c_out, (kh, kw), stride, padding, dilation, groups, bias)
    y = layer(torch.zeros(2, c_in, h, w))
    out = tuple(conv_output_size(n, k, stride, padding, dilation) for n, k in ((h, kh), (w, kw)))
    assert tuple(y.shape[2:]) == out
    assert counts.conv_params(c_in, c_out, (kh, kw), groups, bias) == _numel(layer)
    # every output element is one weight row (C_in/g * kh * kw products) against its window
    assert (
        counts.conv_macs(c_in, c_out, (kh, kw), out, groups)
        == y[0].numel() * layer.weight[0].numel()
    )


@settings(max_examples=20, deadline=None)
@given(
    c_in=st.integers(1, 4),
    c_out=st.integers(1, 4),
    k=st.integers(1, 3),
    stride=st.integers(1, 3),
    n=st.integers(2, 5),
)
def test_conv_transpose_counts_match_torch(c_in, c_out, k, stride, n):
    layer = torch.nn.ConvTranspose2d(c_in, c_out, k, stride)
    assert counts.conv_transpose_params(c_in, c_out, (k, k)) == _numel(layer)
    # count the products directly: each input element times each (C_out, k, k) weight it scatters to
    x = torch.ones(1, c_in, n, n)
    assert (
        counts.conv_transpose_macs(c_in, c_out, (k, k), (n, n))
        == x.numel() * layer.weight[0].numel()
    )


def test_layer_counts_match_torch_layers():
    assert counts.linear_params(400, 120) == _numel(torch.nn.Linear(400, 120))
    assert counts.linear_params(400, 120, bias=False) == _numel(
        torch.nn.Linear(400, 120, bias=False)
    )
    assert counts.batch_norm_params(64) == _numel(torch.nn.BatchNorm2d(64))
    assert counts.batch_norm_params(64, affine=False) == _numel(
        torch.nn.BatchNorm2d(64, affine=False)
    )
    assert counts.layer_norm_params((16, 5, 5)) == _numel(torch.nn.LayerNorm((16, 5, 5)))
    assert counts.layer_norm_params(64, elementwise_affine=False) == _numel(
        torch.nn.LayerNorm(64, elementwise_affine=False)
    )
    assert counts.lstm_params(10, 20) == _numel(torch.nn.LSTMCell(10, 20))
    assert counts.gru_params(10, 20) == _numel(torch.nn.GRUCell(10, 20))
    assert counts.rnn_params(10, 20) == _numel(torch.nn.RNNCell(10, 20))
    assert counts.lstm_params(10, 20, bias=False) == _numel(torch.nn.LSTMCell(10, 20, bias=False))
    assert counts.gru_params(10, 20, convention="d2l") == 3 * (10 * 20 + 20 * 20 + 20)
    separable = torch.nn.Sequential(torch.nn.Conv2d(8, 8, 3, groups=8), torch.nn.Conv2d(8, 16, 1))
    assert counts.depthwise_separable_params(8, 16, (3, 3)) == _numel(separable)
    assert counts.recurrent_macs("gru", 10, 20, seq_len=3) == 3 * 3 * 20 * 30


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: counts.conv_params(3, 8, (3, 3), groups=2),
            "in_channels=3 is not divisible by groups=2",
        ),
        (
            lambda: counts.conv_params(4, 6, (3, 3), groups=4),
            "out_channels=6 is not divisible by groups=4",
        ),
        (lambda: counts.conv_params(0, 8, (3, 3)), "in_channels must be an int >= 1"),
        (lambda: counts.linear_params(4.5, 2), "in_features must be an int >= 1"),
        (lambda: counts.conv_macs(3, 8, (3, 0), (4, 4)), "kernel_size must be an int >= 1"),
        (
            lambda: counts.lstm_params(3, 4, convention="keras"),
            "convention must be 'torch' or 'd2l'",
        ),
        (lambda: counts.recurrent_macs("transformer", 3, 4), "cell must be one of"),
        (lambda: counts.neurons(()), "shape must be a non-empty tuple"),
        (lambda: counts.neurons((3, -1)), "shape must be an int >= 1"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
