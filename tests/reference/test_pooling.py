"""reference.pooling against torch.nn.functional in float64: values, switches, unpooling, gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference import pooling as R
from cnngrade.reference.compare import compare, compare_with_gradients

MAX = {
    1: (R.max_pool1d, F.max_pool1d),
    2: (R.max_pool2d, F.max_pool2d),
    3: (R.max_pool3d, F.max_pool3d),
}
AVG = {
    1: (R.avg_pool1d, F.avg_pool1d),
    2: (R.avg_pool2d, F.avg_pool2d),
    3: (R.avg_pool3d, F.avg_pool3d),
}
MAX_BACK = {1: R.max_pool1d_backward, 2: R.max_pool2d_backward, 3: R.max_pool3d_backward}
AVG_BACK = {1: R.avg_pool1d_backward, 2: R.avg_pool2d_backward, 3: R.avg_pool3d_backward}


@st.composite
def pool_cases(draw, d, dilated=True):
    """A valid pooling: padding <= k/2 and a padded input at least one window wide, built directly."""
    kernel = draw(st.lists(st.integers(1, 4 if d < 3 else 3), min_size=d, max_size=d))
    dilation = draw(st.lists(st.integers(1, 3 if dilated else 1), min_size=d, max_size=d))
    padding = [draw(st.integers(0, k // 2)) for k in kernel]
    stride = draw(st.one_of(st.none(), st.lists(st.integers(1, 5), min_size=d, max_size=d)))
    span = [dl * (k - 1) + 1 for k, dl in zip(kernel, dilation, strict=True)]
    sizes = [
        max(1, s - 2 * p) + draw(st.integers(0, 6 if d < 3 else 3))
        for s, p in zip(span, padding, strict=True)
    ]
    return {
        "shape": (draw(st.integers(1, 2)), draw(st.integers(1, 3)), *sizes),
        "kernel_size": tuple(kernel),
        "stride": None if stride is None else tuple(stride),
        "padding": tuple(padding),
        "dilation": tuple(dilation),
        "ceil_mode": draw(st.booleans()),
        "ties": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**16)),
    }


def _every_window_sees_input(case):
    """No window made only of padding taps (possible with dilation; the reference refuses those)."""
    for n, k, s, p, dl in zip(
        case["shape"][2:],
        case["kernel_size"],
        case["stride"] or case["kernel_size"],
        case["padding"],
        case["dilation"],
        strict=True,
    ):
        span = dl * (k - 1) + 1
        rounding = -(-(n + 2 * p - span) // s) if case["ceil_mode"] else (n + 2 * p - span) // s
        out = rounding + 1
        if case["ceil_mode"] and (out - 1) * s >= n + p:
            out -= 1
        if not all(any(0 <= i * s - p + j * dl < n for j in range(k)) for i in range(out)):
            return False
    return True


def _torch_avg3d_accepts(case, d):
    """torch's avg_pool3d (only) refuses an unpadded input smaller than the kernel; ours pools it."""
    return d != 3 or all(
        n >= k for n, k in zip(case["shape"][2:], case["kernel_size"], strict=True)
    )


def _input(case, device, requires_grad=False):
    g = torch.Generator().manual_seed(case["seed"])
    if case["ties"]:  # few distinct values: many tied maxima, as after a ReLU
        x = torch.randint(0, 3, case["shape"], generator=g).to(torch.float64)
    else:
        x = torch.randn(case["shape"], dtype=torch.float64, generator=g)
    return x.to(device).requires_grad_(requires_grad)


def _geometry(case, *names):
    return {k: case[k] for k in ("kernel_size", "stride", "padding", *names)}


@pytest.mark.parametrize("d", [1, 2, 3])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_max_pool_values_and_indices_match_torch(d, data, device):
    case = data.draw(pool_cases(d).filter(_every_window_sees_input))
    ours, theirs = MAX[d]
    x = _input(case, device)
    kw = _geometry(case, "dilation", "ceil_mode")
    out, idx = ours(x, return_indices=True, **kw)
    ref, ref_idx = theirs(x, return_indices=True, **kw)
    assert compare(out, ref, rtol=0, atol=0).ok
    assert torch.equal(idx, ref_idx)
    assert compare(ours(x, **kw), ref, rtol=0, atol=0).ok


@pytest.mark.parametrize("d", [1, 2, 3])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_avg_pool_matches_torch(d, data, device):
    case = data.draw(pool_cases(d, dilated=False).filter(lambda c: _torch_avg3d_accepts(c, d)))
    ours, theirs = AVG[d]
    kw = _geometry(case, "ceil_mode")
    kw["count_include_pad"] = data.draw(st.booleans())
    if d > 1 and data.draw(st.booleans()):
        kw["divisor_override"] = data.draw(st.integers(1, 7))
    x = _input(case, device)
    assert compare(ours(x, **kw), theirs(x, **kw), rtol=1e-12, atol=1e-12).ok


@pytest.mark.parametrize("d", [1, 2, 3])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_max_pool_backward_routes_to_torchs_switches(d, data, device):
    case = data.draw(pool_cases(d).filter(_every_window_sees_input))
    kw = _geometry(case, "dilation", "ceil_mode")
    x = _input(case, device, requires_grad=True)
    y = MAX[d][1](x, **kw)
    grad = torch.randn(y.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(1)).to(
        device
    )
    (expected,) = torch.autograd.grad(y, x, grad)
    assert compare(MAX_BACK[d](grad, x.detach(), **kw), expected, rtol=1e-12, atol=1e-12).ok
    # autograd through the reference forward routes the same way, ties included
    (through_ours,) = torch.autograd.grad(MAX[d][0](x, **kw), x, grad)
    assert compare(through_ours, expected, rtol=1e-12, atol=1e-12).ok


@pytest.mark.parametrize("d", [1, 2, 3])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_avg_pool_backward_matches_autograd(d, data, device):
    case = data.draw(pool_cases(d, dilated=False).filter(lambda c: _torch_avg3d_accepts(c, d)))
    kw = _geometry(case, "ceil_mode")
    kw["count_include_pad"] = data.draw(st.booleans())
    if d > 1 and data.draw(st.booleans()):
        kw["divisor_override"] = data.draw(st.integers(1, 7))
    x = _input(case, device, requires_grad=True)
    y = AVG[d][1](x, **kw)
    grad = torch.randn(y.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(2)).to(
        device
    )
    (expected,) = torch.autograd.grad(y, x, grad)
    assert compare(AVG_BACK[d](grad, x.detach(), **kw), expected, rtol=1e-12, atol=1e-12).ok
    (through_ours,) = torch.autograd.grad(AVG[d][0](x, **kw), x, grad)
    assert compare(through_ours, expected, rtol=1e-12, atol=1e-12).ok


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_max_unpool2d_matches_torch(data, device):
    case = data.draw(pool_cases(2, dilated=False))
    kw = _geometry(case)
    x = _input(case, device)
    y, idx = F.max_pool2d(x, return_indices=True, **kw)
    expected = F.max_unpool2d(y, idx, **kw, output_size=x.shape[-2:])
    assert compare(
        R.max_unpool2d(y, idx, **kw, output_size=x.shape[-2:]), expected, rtol=0, atol=0
    ).ok


@pytest.mark.parametrize("d", [1, 2, 3])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_adaptive_pools_match_torch(d, data, device):
    sizes = data.draw(st.lists(st.integers(1, 9 if d < 3 else 5), min_size=d, max_size=d))
    out = tuple(
        data.draw(st.integers(1, n + 2)) for n in sizes
    )  # o > n: windows overlap and repeat
    case = {
        "shape": (data.draw(st.integers(1, 2)), 2, *sizes),
        "ties": data.draw(st.booleans()),
        "seed": data.draw(st.integers(0, 999)),
    }
    x = _input(case, device, requires_grad=True)
    ours_avg = getattr(R, f"adaptive_avg_pool{d}d")
    ours_max = getattr(R, f"adaptive_max_pool{d}d")
    theirs_avg = getattr(F, f"adaptive_avg_pool{d}d")
    theirs_max = getattr(F, f"adaptive_max_pool{d}d")
    assert compare_with_gradients(
        lambda t: ours_avg(t, out), lambda t: theirs_avg(t, out), [x], rtol=1e-12, atol=1e-12
    ).ok
    assert compare_with_gradients(
        lambda t: ours_max(t, out), lambda t: theirs_max(t, out), [x], rtol=0, atol=1e-12
    ).ok
    assert torch.equal(
        ours_max(x, out, return_indices=True)[1], theirs_max(x, out, return_indices=True)[1]
    )


def test_ceil_mode_drops_a_window_starting_in_the_right_padding(device):
    # n=5, k=2, s=2, p=1: ⌈(5+2-2)/2⌉+1 = 4 windows, but the 4th would start at 6 >= n + p = 6
    x = torch.arange(5.0, dtype=torch.float64, device=device).reshape(1, 1, 5)
    out = R.max_pool1d(x, 2, 2, padding=1, ceil_mode=True)
    assert out.shape[-1] == 3
    assert compare(out, F.max_pool1d(x, 2, 2, padding=1, ceil_mode=True), rtol=0, atol=0).ok
    avg = R.avg_pool1d(x, 2, 2, padding=1, ceil_mode=True, count_include_pad=True)
    assert compare(avg, F.avg_pool1d(x, 2, 2, padding=1, ceil_mode=True), rtol=0, atol=0).ok


def test_ceil_mode_partial_window_divisor(device):
    # 3x3 input, k=2, s=2, ceil: the last window overhangs; torch divides by the cells inside (2, then 1)
    x = torch.arange(9.0, dtype=torch.float64, device=device).reshape(1, 1, 3, 3)
    out = R.avg_pool2d(x, 2, ceil_mode=True)
    assert out.tolist() == [[[[2.0, 3.5], [6.5, 8.0]]]]
    assert compare(out, F.avg_pool2d(x, 2, ceil_mode=True), rtol=0, atol=0).ok


def test_switch_rules_nan_and_minus_inf(device):
    nan, inf = float("nan"), float("inf")
    x = torch.tensor([[[[nan, 1.0, nan, 0.0]]]], dtype=torch.float64, device=device)
    _, idx = R.max_pool2d(x, (1, 4), return_indices=True)
    assert idx.flatten().tolist() == [2]  # torch: the last NaN wins
    x = torch.full((1, 1, 1, 4), -inf, dtype=torch.float64, device=device)
    kw = {"kernel_size": (1, 3), "stride": 1, "padding": (0, 1)}
    _, idx = R.max_pool2d(x, return_indices=True, **kw)
    assert torch.equal(
        idx, F.max_pool2d(x, return_indices=True, **kw)[1]
    )  # first real cell, not padding


@pytest.mark.parametrize(
    "out", [1, 3]
)  # 1: one 64-tap window (the vectorized path); 3: small windows
def test_nan_and_ties_in_adaptive_and_fixed_windows_match_torch(out, device):
    g = torch.Generator().manual_seed(3)
    x = torch.randint(0, 3, (2, 3, 8, 8), generator=g).to(torch.float64)
    x[torch.rand(x.shape, generator=g) < 0.1] = float("nan")
    x[0, 0] = float("-inf")
    x = x.to(device)
    ours, ref = (
        R.adaptive_max_pool2d(x, out, return_indices=True),
        F.adaptive_max_pool2d(x, out, return_indices=True),
    )
    assert torch.equal(ours[1], ref[1])
    assert compare(ours[0], ref[0], rtol=0, atol=0).ok
    ours, ref = (
        R.max_pool2d(x, 3, 2, 1, return_indices=True),
        F.max_pool2d(x, 3, 2, 1, return_indices=True),
    )
    assert torch.equal(ours[1], ref[1])


def test_unbatched_input_and_global_pools(device):
    x = torch.randn(3, 5, 4, dtype=torch.float64, device=device)
    assert compare(R.max_pool2d(x, 2), F.max_pool2d(x, 2), rtol=0, atol=0).ok
    assert compare(R.avg_pool2d(x, 2, 1, 1), F.avg_pool2d(x, 2, 1, 1), rtol=1e-12, atol=1e-12).ok
    assert compare(
        R.global_avg_pool2d(x), x.mean(dim=(-2, -1), keepdim=True), rtol=1e-12, atol=1e-12
    ).ok
    assert compare(R.global_max_pool2d(x), F.adaptive_max_pool2d(x, 1), rtol=0, atol=0).ok


def test_seed_note_2x2_max_pooling(device):
    # 001_e1c1884862443026.txt: max(0,1,3,4)=4 ... pooling of 0..8 (3x3) with a 2x2 window, stride 1
    X = torch.arange(9.0, device=device).reshape(1, 1, 3, 3)
    assert R.max_pool2d(X, 2, stride=1).flatten().tolist() == [4.0, 5.0, 7.0, 8.0]
    assert R.avg_pool2d(X, 2, stride=1).flatten().tolist() == [2.0, 3.0, 5.0, 6.0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x: R.max_pool2d(x, 3, padding=2), "at most half"),
        (lambda x: R.max_pool2d(x[0, 0], 2), "rank"),
        (lambda x: R.max_pool2d(x, 9), "larger than the padded input"),
        (lambda x: R.max_pool2d(x, (2, 2, 2)), "kernel_size"),
        (lambda x: R.max_pool2d(x, 2, stride=0), "stride"),
        (lambda x: R.avg_pool2d(x, 2, divisor_override=0), "divisor_override"),
        (lambda x: R.avg_pool2d(x.long(), 2), "dtype"),
        (lambda x: R.max_pool2d_backward(torch.ones(1, 1, 3, 3), x, 2), "grad_output"),
        (
            lambda x: R.max_unpool2d(x, torch.zeros(1, 1, 4, 4, dtype=torch.int64) + 99, 2),
            "indices",
        ),
        (
            lambda x: R.max_unpool2d(
                x, torch.zeros(1, 1, 4, 4, dtype=torch.int64), 2, output_size=(3, 3)
            ),
            "output_size",
        ),
        (lambda x: R.adaptive_avg_pool2d(x, (0, 2)), "output_size"),
        (lambda x: R.max_pool2d(x[..., :1], (1, 2), padding=(0, 1), dilation=2), "only padding"),
    ],
)
def test_bad_arguments_raise_value_error(call, message, device):
    x = torch.zeros(1, 1, 4, 4, device=device)
    with pytest.raises(ValueError, match=message):
        call(x)


@pytest.mark.parametrize("d", [1, 3])
def test_max_unpool_1d_3d_match_torch(d, device):
    x = torch.randn(
        (2, 2, *([6] * d)), dtype=torch.float64, generator=torch.Generator().manual_seed(d)
    ).to(device)
    y, idx = MAX[d][1](x, 2, return_indices=True)
    ours = getattr(R, f"max_unpool{d}d")(y, idx, 2)
    assert compare(ours, getattr(F, f"max_unpool{d}d")(y, idx, 2), rtol=0, atol=0).ok


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
def test_low_precision_matches_torch_within_a_few_roundings(dtype, device):
    # torch accumulates float16/bfloat16 window sums in float32; so does the reference
    x = torch.randn((2, 3, 9, 10), generator=torch.Generator().manual_seed(0)).to(dtype).to(device)
    pairs = [
        (R.avg_pool2d(x, 3, 2, 1), F.avg_pool2d(x, 3, 2, 1)),
        (R.adaptive_avg_pool2d(x, (4, 5)), F.adaptive_avg_pool2d(x, (4, 5))),
        (R.max_pool2d(x, 3, 2, 1), F.max_pool2d(x, 3, 2, 1)),
    ]
    # float32 sums taken in another order differ by a few roundings (then one more in half types)
    eps = torch.finfo(dtype).eps
    tol = {"rtol": 4 * eps, "atol": eps}
    for ours, theirs in pairs:
        assert ours.dtype == dtype and compare(ours.float(), theirs.float(), **tol).ok
