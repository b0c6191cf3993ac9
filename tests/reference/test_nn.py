"""reference.nn modules against their torch twins: state_dicts load both ways, outputs agree (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnngrade.reference import nn as RN
from cnngrade.reference.compare import compare

TIGHT = {"rtol": 1e-10, "atol": 1e-12}

# (reference class, torch class, constructor args, input shape)
TWINS = [
    (RN.Conv1d, torch.nn.Conv1d, (2, 3, 3), {"stride": 2, "padding": 1}, (2, 2, 9)),
    (
        RN.Conv2d,
        torch.nn.Conv2d,
        (4, 6, (3, 2)),
        {"groups": 2, "dilation": (1, 2), "padding": 1},
        (2, 4, 7, 8),
    ),
    (
        RN.Conv2d,
        torch.nn.Conv2d,
        (2, 3, 3),
        {"padding": "same", "padding_mode": "reflect"},
        (1, 2, 5, 6),
    ),
    (
        RN.Conv2d,
        torch.nn.Conv2d,
        (2, 3, 3),
        {"padding": 2, "padding_mode": "circular", "bias": False},
        (1, 2, 5, 6),
    ),
    (RN.Conv3d, torch.nn.Conv3d, (2, 2, 2), {"stride": (1, 2, 1)}, (1, 2, 4, 5, 3)),
    (
        RN.ConvTranspose1d,
        torch.nn.ConvTranspose1d,
        (2, 3, 3),
        {"stride": 2, "output_padding": 1},
        (1, 2, 4),
    ),
    (
        RN.ConvTranspose2d,
        torch.nn.ConvTranspose2d,
        (4, 2, 3),
        {"stride": 2, "padding": 1, "groups": 2},
        (2, 4, 3, 4),
    ),
    (RN.ConvTranspose3d, torch.nn.ConvTranspose3d, (2, 2, 2), {"stride": 2}, (1, 2, 2, 2, 3)),
    (
        RN.MaxPool1d,
        torch.nn.MaxPool1d,
        (3,),
        {"stride": 2, "padding": 1, "ceil_mode": True},
        (2, 3, 8),
    ),
    (
        RN.MaxPool2d,
        torch.nn.MaxPool2d,
        (3,),
        {"stride": 2, "dilation": 2, "padding": 1},
        (2, 3, 9, 8),
    ),
    (RN.MaxPool3d, torch.nn.MaxPool3d, (2,), {"ceil_mode": True}, (1, 2, 3, 5, 4)),
    (
        RN.AvgPool1d,
        torch.nn.AvgPool1d,
        (3,),
        {"stride": 2, "padding": 1, "count_include_pad": False},
        (2, 3, 8),
    ),
    (
        RN.AvgPool2d,
        torch.nn.AvgPool2d,
        (3,),
        {"stride": 2, "padding": 1, "ceil_mode": True},
        (2, 3, 8, 7),
    ),
    (RN.AvgPool3d, torch.nn.AvgPool3d, (2,), {"divisor_override": 3}, (1, 2, 4, 4, 4)),
    (RN.AdaptiveAvgPool2d, torch.nn.AdaptiveAvgPool2d, ((3, None),), {}, (2, 3, 7, 5)),
    (RN.AdaptiveMaxPool2d, torch.nn.AdaptiveMaxPool2d, (4,), {}, (2, 3, 7, 5)),
    (RN.BatchNorm1d, torch.nn.BatchNorm1d, (3,), {}, (4, 3, 5)),
    (RN.BatchNorm2d, torch.nn.BatchNorm2d, (3,), {"momentum": None}, (4, 3, 2, 2)),
    (RN.BatchNorm3d, torch.nn.BatchNorm3d, (2,), {"affine": False}, (2, 2, 2, 2, 2)),
    (RN.LayerNorm, torch.nn.LayerNorm, ((3, 4),), {}, (2, 5, 3, 4)),
    (
        RN.LocalResponseNorm,
        torch.nn.LocalResponseNorm,
        (5,),
        {"alpha": 1e-2, "k": 2.0},
        (2, 7, 3, 3),
    ),
    (RN.Linear, torch.nn.Linear, (5, 3), {}, (2, 4, 5)),
    (RN.ReLU, torch.nn.ReLU, (), {}, (3, 4)),
    (RN.ReLU6, torch.nn.ReLU6, (), {}, (3, 4)),
    (RN.LeakyReLU, torch.nn.LeakyReLU, (0.3,), {}, (3, 4)),
    (RN.Sigmoid, torch.nn.Sigmoid, (), {}, (3, 4)),
    (RN.Tanh, torch.nn.Tanh, (), {}, (3, 4)),
    (RN.Hardsigmoid, torch.nn.Hardsigmoid, (), {}, (3, 4)),
    (RN.Hardswish, torch.nn.Hardswish, (), {}, (3, 4)),
    (RN.Softmax, torch.nn.Softmax, (), {"dim": 1}, (3, 4)),
    (RN.Flatten, torch.nn.Flatten, (), {}, (2, 3, 4, 5)),
    (RN.ChannelShuffle, torch.nn.ChannelShuffle, (3,), {}, (2, 6, 2, 2)),
]


def _randn(shape, seed, device):
    return torch.randn(
        shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed)
    ).to(device)


def _scrambled(module, seed):
    """Give every parameter and buffer seeded random values (so a missed load cannot pass)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for t in [*module.parameters(), *module.buffers()]:
            if t.is_floating_point():
                t.copy_(torch.rand(t.shape, dtype=t.dtype, generator=g) + 0.5)
    return module


@pytest.mark.parametrize(
    ("ours", "theirs", "args", "kwargs", "shape"), TWINS, ids=lambda v: getattr(v, "__name__", None)
)
@pytest.mark.parametrize("direction", ["torch->ours", "ours->torch"])
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_state_dict_round_trip_and_same_outputs(
    ours, theirs, args, kwargs, shape, direction, device
):
    a = ours(*args, **kwargs).double().to(device)
    b = theirs(*args, **kwargs).double().to(device)
    source, target = (b, a) if direction == "torch->ours" else (a, b)
    _scrambled(source, 3)
    target.load_state_dict(source.state_dict())
    assert list(a.state_dict()) == list(b.state_dict())
    x = _randn(shape, 4, device)
    for mode in ("train", "eval"):
        a.train(mode == "train")
        b.train(mode == "train")
        # torch's CUDA float64 Hardsigmoid/Hardswish use the float32 constant 1/6 (3e-8 relative)
        loose = ours.__name__.startswith("Hard") and x.device.type == "cuda"
        tol = {"rtol": 1e-7, "atol": 1e-12} if loose else TIGHT
        assert compare(a(x), b(x), **tol).ok, (mode, ours.__name__)
    for key, value in b.state_dict().items():  # running stats moved identically in training
        assert compare(a.state_dict()[key], value, **TIGHT).ok, key


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_running_stats_track_torch_over_steps(momentum, device):
    a = RN.BatchNorm2d(3, momentum=momentum).double().to(device)
    b = torch.nn.BatchNorm2d(3, momentum=momentum).double().to(device)
    for step in range(4):
        x = _randn((5, 3, 2, 3), step, device) * (step + 1)
        assert compare(a(x), b(x), **TIGHT).ok
    for key, value in b.state_dict().items():
        assert compare(a.state_dict()[key], value, **TIGHT).ok, key
    assert int(a.num_batches_tracked) == 4


def test_return_indices_unpool_and_transpose_output_size(device):
    x = _randn((1, 2, 6, 5), 0, device)
    out, idx = RN.MaxPool2d(2, return_indices=True)(x)
    ref, ref_idx = torch.nn.MaxPool2d(2, return_indices=True)(x)
    assert torch.equal(idx, ref_idx)
    assert compare(
        RN.MaxUnpool2d(2)(out, idx, x.shape),
        torch.nn.MaxUnpool2d(2)(ref, ref_idx, x.shape),
        **TIGHT,
    ).ok
    a, b = (
        RN.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double().to(device),
        torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double().to(device),
    )
    a.load_state_dict(b.state_dict())
    assert compare(a(x, output_size=(12, 10)), b(x, output_size=(12, 10)), **TIGHT).ok


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (RN.RNNCell, torch.nn.RNNCell),
        (RN.LSTMCell, torch.nn.LSTMCell),
        (RN.GRUCell, torch.nn.GRUCell),
    ],
)
def test_cells_round_trip(ours, theirs, device):
    a, b = ours(3, 4).double().to(device), _scrambled(theirs(3, 4).double().to(device), 1)
    a.load_state_dict(b.state_dict())
    x = _randn((2, 3), 0, device)
    assert compare(
        torch.stack(list(a(x)) if ours is RN.LSTMCell else [a(x)]),
        torch.stack(list(b(x)) if ours is RN.LSTMCell else [b(x)]),
        **TIGHT,
    ).ok
    h = _randn((2, 4), 1, device)
    state = (h, h) if ours is RN.LSTMCell else h
    first = a(x, state)[0] if ours is RN.LSTMCell else a(x, state)
    expected = b(x, state)[0] if ours is RN.LSTMCell else b(x, state)
    assert compare(first, expected, **TIGHT).ok


def test_depthwise_separable_and_global_pools(device):
    m = RN.DepthwiseSeparableConv2d(3, 8, 3, padding=1, depth_multiplier=2).double().to(device)
    assert dict((k, tuple(v.shape)) for k, v in m.state_dict().items()) == {
        "depthwise.weight": (6, 1, 3, 3),
        "depthwise.bias": (6,),
        "pointwise.weight": (8, 6, 1, 1),
        "pointwise.bias": (8,),
    }
    x = _randn((2, 3, 5, 4), 0, device)
    expected = torch.nn.functional.conv2d(
        torch.nn.functional.conv2d(x, m.depthwise.weight, m.depthwise.bias, padding=1, groups=3),
        m.pointwise.weight,
        m.pointwise.bias,
    )
    assert compare(m(x), expected, **TIGHT).ok
    assert compare(RN.GlobalAvgPool2d()(x), x.mean(dim=(2, 3), keepdim=True), **TIGHT).ok
    assert compare(RN.GlobalMaxPool2d()(x), x.amax(dim=(2, 3), keepdim=True), **TIGHT).ok


def test_dropout_and_lrn_conventions(device):
    x = torch.ones(1000, dtype=torch.float64, device=device)
    d1, d2 = RN.Dropout(0.4, rng=np.random.default_rng(3)), RN.Dropout(0.4, rng=3)
    assert torch.equal(d1(x), d2(x))
    assert torch.equal(d1.eval()(x), x)
    x = _randn((1, 6, 2, 2), 0, device) * 20
    paper = RN.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0, convention="paper")
    assert compare(
        paper(x), torch.nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)(x), **TIGHT
    ).ok


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="convention"):
        RN.GRUCell(2, 3, convention="keras")
    with pytest.raises(ValueError, match="convention"):
        RN.LocalResponseNorm(5, convention="alexnet")
    with pytest.raises(ValueError, match="dim"):
        RN.Softmax()(torch.ones(2, 2))
    with pytest.raises(ValueError, match="rng"):
        RN.Dropout(0.5, rng=torch.Generator())


def test_forward_is_traced_as_reference_ops(device):
    from cnngrade.reference._trace import listening

    model = (
        torch.nn.Sequential(
            RN.Conv2d(1, 2, 3, padding=1),
            RN.BatchNorm2d(2),
            RN.ReLU(),
            RN.MaxPool2d(2),
            RN.Flatten(),
            RN.Linear(8, 3),
            RN.Softmax(dim=1),
        )
        .double()
        .to(device)
        .eval()
    )
    seen = []
    with listening(lambda name, args, out: seen.append((name, tuple(out.shape)))):
        model(_randn((1, 1, 4, 4), 0, device))
    assert seen == [
        ("conv2d", (1, 2, 4, 4)),
        ("batch_norm", (1, 2, 4, 4)),
        ("relu", (1, 2, 4, 4)),
        ("max_pool2d", (1, 2, 2, 2)),
        ("linear", (1, 3)),
        ("softmax", (1, 3)),
    ]
