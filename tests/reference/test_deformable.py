"""reference.deformable against an independent per-pixel bilinear loop, standard conv and gradcheck."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference.analysis.sizes import conv_output_size
from cnngrade.reference.compare import compare
from cnngrade.reference.deformable import deform_conv2d


@pytest.fixture(autouse=True, scope="module")
def _seeded_torch():
    """Unseeded ``torch.randn`` calls in this module draw the same numbers on every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        yield


def _bilinear(img: np.ndarray, y: float, x: float) -> float:
    """torchvision's bilinear_interpolate, one point at a time: zero outside, per-corner bounds."""
    h, w = img.shape
    if y <= -1 or y >= h or x <= -1 or x >= w:
        return 0.0
    y0, x0 = math.floor(y), math.floor(x)
    total = 0.0
    for yc, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
        for xc, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
            if 0 <= yc < h and 0 <= xc < w:
                total += wy * wx * img[yc, xc]
    return total


def _loop_deform_conv2d(x, offset, weight, bias, stride, padding, dilation, mask):
    """Direct definition: one output value at a time (the oracle; no vectorization)."""
    x, offset, weight = x.cpu().numpy(), offset.cpu().numpy(), weight.cpu().numpy()
    mask = None if mask is None else mask.cpu().numpy()
    n, c_in, h, w = x.shape
    c_out, cg, kh, kw = weight.shape
    og = c_out // (c_in // cg)  # output channels per weight group
    offset_groups = offset.shape[1] // (2 * kh * kw)
    ho, wo = offset.shape[2:]
    out = np.zeros((n, c_out, ho, wo))
    for b, o, oy, ox in np.ndindex(n, c_out, ho, wo):
        total = 0.0 if bias is None else float(bias[o])
        for c in range(cg):
            channel = (o // og) * cg + c
            grp = channel // (c_in // offset_groups)
            for i, j in np.ndindex(kh, kw):
                tap = i * kw + j
                dy = offset[b, grp * 2 * kh * kw + 2 * tap, oy, ox]
                dx = offset[b, grp * 2 * kh * kw + 2 * tap + 1, oy, ox]
                m = 1.0 if mask is None else mask[b, grp * kh * kw + tap, oy, ox]
                py = oy * stride[0] - padding[0] + i * dilation[0] + dy
                px = ox * stride[1] - padding[1] + j * dilation[1] + dx
                total += weight[o, c, i, j] * m * _bilinear(x[b, channel], py, px)
        out[b, o, oy, ox] = total
    return torch.from_numpy(out)


@st.composite
def deform_cases(draw):
    groups, offset_groups = draw(st.sampled_from([(1, 1), (1, 2), (2, 1), (2, 2)]))
    c_in = 2 * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 1)))
    sizes = [
        max(1, d * (k - 1) + 1 - 2 * p + draw(st.integers(0, 3)))
        for k, d, p in zip(kernel, dilation, padding, strict=True)
    ]
    out = tuple(
        conv_output_size(*a) for a in zip(sizes, kernel, stride, padding, dilation, strict=True)
    )
    return {
        "n": draw(st.integers(1, 2)),
        "c_in": c_in,
        "c_out": groups * draw(st.integers(1, 2)),
        "groups": groups,
        "offset_groups": offset_groups,
        "sizes": sizes,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "out": out,
        "mask": draw(st.booleans()),
        "bias": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**32 - 1)),
        "spread": draw(st.sampled_from([0.5, 2.0, 4.0])),
    }


def _tensors(case, device):
    g = torch.Generator().manual_seed(case["seed"])
    taps = case["kernel"][0] * case["kernel"][1]
    x = torch.randn(case["n"], case["c_in"], *case["sizes"], generator=g, dtype=torch.float64)
    w = torch.randn(
        case["c_out"],
        case["c_in"] // case["groups"],
        *case["kernel"],
        generator=g,
        dtype=torch.float64,
    )
    offset = case["spread"] * torch.randn(
        case["n"], 2 * case["offset_groups"] * taps, *case["out"], generator=g, dtype=torch.float64
    )
    mask = torch.rand(
        case["n"], case["offset_groups"] * taps, *case["out"], generator=g, dtype=torch.float64
    )
    b = torch.randn(case["c_out"], generator=g, dtype=torch.float64)
    b, mask = (b if case["bias"] else None), (mask if case["mask"] else None)
    return [None if t is None else t.to(device) for t in (x, offset, w, b, mask)]


@settings(max_examples=50, deadline=None)
@given(deform_cases())
def test_matches_per_pixel_bilinear_loop(device, case):
    x, offset, w, b, mask = _tensors(case, device)
    ours = deform_conv2d(x, offset, w, b, case["stride"], case["padding"], case["dilation"], mask)
    expected = _loop_deform_conv2d(
        x, offset, w, b, case["stride"], case["padding"], case["dilation"], mask
    )
    assert compare(ours, expected, rtol=1e-9, atol=1e-9).ok, case


@settings(max_examples=25, deadline=None)
@given(deform_cases())
def test_zero_offsets_and_unit_mask_are_a_standard_conv(device, case):
    x, offset, w, b, _ = _tensors(case, device)
    standard = F.conv2d(x, w, b, case["stride"], case["padding"], case["dilation"], case["groups"])
    zeros = torch.zeros_like(offset)
    assert compare(
        deform_conv2d(x, zeros, w, b, case["stride"], case["padding"], case["dilation"]),
        standard,
        rtol=1e-10,
        atol=1e-10,
    ).ok
    ones = torch.ones(
        offset.shape[0], offset.shape[1] // 2, *offset.shape[2:], dtype=x.dtype, device=device
    )
    assert compare(
        deform_conv2d(x, zeros, w, b, case["stride"], case["padding"], case["dilation"], ones),
        standard,
        rtol=1e-10,
        atol=1e-10,
    ).ok


def test_integer_offset_shifts_the_input(device):
    x = torch.randn(1, 2, 6, 5, dtype=torch.float64, device=device)
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, device=device)
    offset = torch.zeros(1, 18, 6, 5, dtype=torch.float64, device=device)
    offset[:, 0::2] = (
        1.0  # every tap reads one row lower: rows oy - 1 + i + 1, so no top padding, 2 below
    )
    expected = F.conv2d(F.pad(x, (1, 1, 0, 2)), w)
    assert compare(deform_conv2d(x, offset, w, padding=1), expected, rtol=1e-10, atol=1e-10).ok


def test_zero_mask_leaves_only_the_bias(device):
    x, w, b = (
        torch.randn(2, 3, 5, 5, device=device),
        torch.randn(4, 3, 3, 3, device=device),
        torch.randn(4, device=device),
    )
    y = deform_conv2d(
        x,
        torch.randn(2, 18, 3, 3, device=device),
        w,
        b,
        mask=torch.zeros(2, 9, 3, 3, device=device),
    )
    assert torch.equal(y, b.reshape(1, 4, 1, 1).expand(2, 4, 3, 3))


def test_gradients_pass_gradcheck(device):
    """Analytic gradients (input, offset, weight, bias, mask) agree with finite differences."""
    g = torch.Generator().manual_seed(3)
    x = torch.randn(1, 2, 3, 4, generator=g, dtype=torch.float64)
    offset = 0.7 * torch.randn(1, 2 * 4, 4, 3, generator=g, dtype=torch.float64)  # 2x2 kernel
    w = torch.randn(2, 2, 2, 2, generator=g, dtype=torch.float64)
    b = torch.randn(2, generator=g, dtype=torch.float64)
    mask = torch.rand(1, 4, 4, 3, generator=g, dtype=torch.float64)
    inputs = [t.to(device).requires_grad_() for t in (x, offset, w, b, mask)]
    assert torch.autograd.gradcheck(
        lambda x, o, w, b, m: deform_conv2d(x, o, w, b, padding=(1, 0), mask=m), inputs
    )


def test_offset_gradient_at_zero_offsets_is_the_forward_difference(device):
    """At integer positions ∂v/∂Δy = X[y + 1, x] - X[y, x] (zero beyond the edge), as in torchvision.

    With padding 1 the taps on the ring just outside the image (position -1 or H) read 0 and, as in
    torchvision's kernel, pass no gradient to the offset.
    """
    x = torch.randn(1, 1, 4, 5, dtype=torch.float64, device=device)
    offset = torch.zeros(1, 2, 6, 7, dtype=torch.float64, device=device, requires_grad=True)
    w = torch.ones(1, 1, 1, 1, dtype=torch.float64, device=device)
    deform_conv2d(x, offset, w, padding=1).sum().backward()
    below = torch.cat([x[0, 0, 1:], torch.zeros_like(x[0, 0, :1])])  # X[y + 1, x], 0 past the edge
    right = torch.cat([x[0, 0, :, 1:], torch.zeros_like(x[0, 0, :, :1])], dim=1)
    ring = (1, 1, 1, 1)
    assert compare(offset.grad[0, 0], F.pad(below - x[0, 0], ring), rtol=1e-12, atol=1e-12).ok
    assert compare(offset.grad[0, 1], F.pad(right - x[0, 0], ring), rtol=1e-12, atol=1e-12).ok


def test_low_precision_input_samples_far_pixels_exactly(device):
    # bfloat16 holds integers exactly only up to 256: positions must not be computed in it
    x = torch.arange(600.0, device=device).reshape(1, 1, 1, 600).to(torch.bfloat16)
    zeros = torch.zeros(1, 2, 1, 600, dtype=torch.bfloat16, device=device)
    y = deform_conv2d(x, zeros, torch.ones(1, 1, 1, 1, dtype=torch.bfloat16, device=device))
    assert torch.equal(y, x)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_keeps_dtype_and_device(device, dtype):
    y = deform_conv2d(
        *(
            torch.zeros(s, dtype=dtype, device=device)
            for s in ((1, 2, 4, 4), (1, 8, 3, 3), (5, 2, 2, 2))
        )
    )
    assert y.shape == (1, 5, 3, 3) and y.dtype == dtype and y.device.type == device.type


X, W = torch.zeros(1, 4, 5, 5), torch.zeros(2, 4, 3, 3)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: deform_conv2d(X, torch.zeros(1, 17, 3, 3), W), r"2\*offset_groups\*kH\*kW"),
        (
            lambda: deform_conv2d(X, torch.zeros(1, 18, 4, 4), W),
            r"offset must have shape \(1, 18, 3, 3\)",
        ),
        (
            lambda: deform_conv2d(X, torch.zeros(1, 54, 3, 3), W),
            "3 offset groups, which must divide C_in=4",
        ),
        (
            lambda: deform_conv2d(X, torch.zeros(1, 18, 3, 3), W, mask=torch.zeros(1, 18, 3, 3)),
            r"mask must have shape \(1, 9, 3, 3\)",
        ),
        (
            lambda: deform_conv2d(X, torch.zeros(1, 18, 3, 3), torch.zeros(2, 3, 3, 3)),
            r"weight.shape\[1\]=3 must divide C_in=4",
        ),
        (lambda: deform_conv2d(X[0], torch.zeros(1, 18, 3, 3), W), "4-D input"),
        (lambda: deform_conv2d(X, torch.zeros(1, 18, 3, 3), W, stride=0), "stride must be >= 1"),
        (
            lambda: deform_conv2d(X[:, :, :2], torch.zeros(1, 18, 3, 3), W),
            "larger than the padded input",
        ),
        (
            lambda: deform_conv2d(X, torch.zeros(1, 18, 3, 3, dtype=torch.float64), W),
            "offset is torch.float64",
        ),
        (
            lambda: deform_conv2d(X, torch.zeros(1, 18, 3, 3), W, torch.zeros(3)),
            r"bias must have shape \(2,\)",
        ),
    ],
)
def test_bad_input_is_a_value_error(call, needle):
    with pytest.raises(ValueError, match=needle):
        call()
