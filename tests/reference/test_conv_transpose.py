"""reference.conv_transpose: against torch in float64 (values, gradients) and as the adjoint of conv."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference.analysis.sizes import conv_output_size
from cnngrade.reference.compare import compare_with_gradients
from cnngrade.reference.conv import conv1d, conv2d, conv3d
from cnngrade.reference.conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d


@pytest.fixture(autouse=True, scope="module")
def _seeded_torch():
    """Unseeded ``torch.randn`` calls in this module draw the same numbers on every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        yield


OURS = {1: conv_transpose1d, 2: conv_transpose2d, 3: conv_transpose3d}
TORCH = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
FORWARD = {1: conv1d, 2: conv2d, 3: conv3d}


@st.composite
def transpose_cases(draw, m, adjoint=False):
    groups = draw(st.integers(1, 3))
    kernel = tuple(draw(st.lists(st.integers(1, 4 if m < 3 else 3), min_size=m, max_size=m)))
    stride = tuple(draw(st.lists(st.integers(1, 4), min_size=m, max_size=m)))
    dilation = tuple(draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)))
    # torch allows output_padding < max(stride, dilation); only < stride keeps conv(x) the size of y
    output_padding = tuple(
        draw(st.integers(0, (s if adjoint else max(s, d)) - 1))
        for s, d in zip(stride, dilation, strict=True)
    )
    # padding may exceed the span (the output is cropped) as long as the output keeps >= 1 element
    sizes, padding = [], []
    for k, s, d, op in zip(kernel, stride, dilation, output_padding, strict=True):
        n = draw(st.integers(1, 5 if m < 3 else 3))
        most = ((n - 1) * s + d * (k - 1) + op) // 2
        sizes.append(n)
        padding.append(draw(st.integers(0, min(most, 4))))
    return {
        "n": draw(st.integers(1, 2)),
        "c_in": groups * draw(st.integers(1, 2)),
        "og": draw(st.integers(1, 3)),
        "groups": groups,
        "sizes": sizes,
        "kernel": kernel,
        "stride": stride,
        "padding": tuple(padding),
        "output_padding": output_padding,
        "dilation": dilation,
        "bias": draw(st.booleans()),
    }


def _tensors(case, device):
    g = torch.Generator().manual_seed(7 * sum(case["sizes"]) + case["og"])
    x = torch.randn(case["n"], case["c_in"], *case["sizes"], dtype=torch.float64, generator=g)
    w = torch.randn(case["c_in"], case["og"], *case["kernel"], dtype=torch.float64, generator=g)
    b = torch.randn(case["og"] * case["groups"], dtype=torch.float64, generator=g)
    return x.to(device), w.to(device), b.to(device)


def _kwargs(case):
    keys = ("stride", "padding", "output_padding", "groups", "dilation")
    return {k: case[k] for k in keys}


@pytest.mark.parametrize("m", [1, 2, 3])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_matches_torch_with_gradients(device, m, data):
    case = data.draw(transpose_cases(m))
    x, w, b = _tensors(case, device)
    inputs = [x, w, b] if case["bias"] else [x, w]
    result = compare_with_gradients(
        lambda *t: (
            OURS[m](*t, **_kwargs(case)) if len(t) == 3 else OURS[m](*t, None, **_kwargs(case))
        ),
        lambda *t: (
            TORCH[m](*t, **_kwargs(case)) if len(t) == 3 else TORCH[m](*t, None, **_kwargs(case))
        ),
        inputs,
        rtol=1e-9,
        atol=1e-9,
    )
    assert result.ok, (case, result.message)


@pytest.mark.parametrize("m", [1, 2, 3])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_is_the_adjoint_of_conv(device, m, data):
    """⟨conv(x, W), y⟩ = ⟨x, conv_transpose(y, W)⟩ with x sized so the transposed output fits x."""
    case = data.draw(transpose_cases(m, adjoint=True))
    y, w, _ = _tensors(
        case, device
    )  # y lives in conv's output space: (N, C_out_conv = c_in, *sizes)
    x_shape = [
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, k, s, p, op, d in zip(
            case["sizes"],
            case["kernel"],
            case["stride"],
            case["padding"],
            case["output_padding"],
            case["dilation"],
            strict=True,
        )
    ]
    x = torch.randn(
        case["n"], case["og"] * case["groups"], *x_shape, dtype=torch.float64, device=device
    )
    conv_x = FORWARD[m](
        x,
        w,
        stride=case["stride"],
        padding=case["padding"],
        dilation=case["dilation"],
        groups=case["groups"],
    )
    assert tuple(conv_x.shape[2:]) == tuple(
        conv_output_size(n, k, s, p, d)
        for n, k, s, p, d in zip(
            x_shape, case["kernel"], case["stride"], case["padding"], case["dilation"], strict=True
        )
    )
    lhs = (conv_x * y).sum()
    rhs = (x * OURS[m](y, w, **_kwargs(case))).sum()
    assert torch.isclose(lhs, rhs, rtol=1e-10, atol=1e-10), (case, lhs.item(), rhs.item())


def test_zero_insertion_picture(device):
    """Stride 2 on [[1, 2], [3, 4]] with a 1x1 kernel of 1 puts zeros between the inputs."""
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=torch.float64, device=device)
    y = conv_transpose2d(
        x, torch.ones(1, 1, 1, 1, dtype=torch.float64, device=device), stride=2, output_padding=1
    )
    assert y[0, 0].tolist() == [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_keeps_dtype_device_and_unbatched_input(device, dtype):
    y = conv_transpose2d(
        torch.ones(2, 3, 3, device=device, dtype=dtype),
        torch.ones(2, 4, 3, 3, device=device, dtype=dtype),
        stride=2,
    )
    assert y.shape == (4, 7, 7) and y.dtype == dtype and y.device.type == device.type


W = torch.ones(2, 3, 3, 3)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (
            lambda: conv_transpose2d(torch.ones(1, 2, 4, 4), W, stride=2, output_padding=2),
            "output_padding=2 must be smaller than stride=2 or dilation=1",
        ),
        (
            lambda: conv_transpose2d(torch.ones(1, 3, 4, 4), W),
            r"weight.shape\[0\]=2 must equal the input channels C_in=3",
        ),
        (
            lambda: conv_transpose2d(torch.ones(1, 2, 4, 4), W, groups=3),
            "groups=3 must divide C_in=2",
        ),
        (lambda: conv_transpose2d(torch.ones(1, 2, 1, 1), W, padding=2), "padding=2 is too large"),
        (lambda: conv_transpose2d(torch.ones(4, 4), W), "4-D input"),
        (lambda: conv_transpose2d(torch.ones(1, 2, 4, 4, dtype=torch.int32), W), "floating-point"),
        (
            lambda: conv_transpose2d(torch.ones(1, 2, 4, 4), W, torch.ones(2)),
            r"bias must have shape \(3,\)",
        ),
        (lambda: conv_transpose2d(torch.ones(1, 2, 4, 4), W, stride=0), "stride must be >= 1"),
        (
            lambda: conv_transpose2d(torch.ones(1, 2, 4, 4), W, padding="same"),
            "padding='same': conv_transpose2d takes the forward conv's padding",
        ),
        (lambda: conv_transpose2d(torch.ones(1, 2, 4, 4), W, padding=-1), "padding must be >= 0"),
    ],
)
def test_bad_input_is_a_value_error(call, needle):
    with pytest.raises(ValueError, match=needle):
        call()
