"""reference.conv against torch.nn.functional in float64: values and gradients over awkward shapes."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference.compare import compare, compare_with_gradients
from cnngrade.reference.conv import conv1d, conv2d, conv3d, convolve2d, corr2d


@pytest.fixture(autouse=True, scope="module")
def _seeded_torch():
    """Unseeded ``torch.randn`` calls in this module draw the same numbers on every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        yield


pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")

OURS = {1: conv1d, 2: conv2d, 3: conv3d}
TORCH = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


@st.composite
def conv_cases(draw, m):
    """A valid conv: sizes built to fit (no rejection), incl. N=1, groups = channels, stride > kernel."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 3))
    kernel = draw(st.lists(st.integers(1, 4 if m < 3 else 3), min_size=m, max_size=m))
    stride = draw(st.lists(st.integers(1, 5), min_size=m, max_size=m))
    dilation = draw(st.lists(st.integers(1, 3), min_size=m, max_size=m))
    pads = [tuple(draw(st.integers(0, 3)) for _ in range(2)) for _ in range(m)]
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    sizes = [
        max(1, s - lo - hi + draw(st.integers(0, 6 if m < 3 else 3)))
        for s, (lo, hi) in zip(span, pads, strict=True)
    ]
    return {
        "n": draw(st.integers(1, 2)),
        "c_in": c_in,
        "c_out": c_out,
        "groups": groups,
        "sizes": sizes,
        "kernel": kernel,
        "stride": tuple(stride),
        "dilation": tuple(dilation),
        "pads": tuple(pads),
        "bias": draw(st.booleans()),
    }


def _tensors(case, device):
    g = torch.Generator().manual_seed(sum(case["sizes"]) * 31 + case["c_out"])
    x = torch.randn(case["n"], case["c_in"], *case["sizes"], dtype=torch.float64, generator=g)
    w = torch.randn(
        case["c_out"],
        case["c_in"] // case["groups"],
        *case["kernel"],
        dtype=torch.float64,
        generator=g,
    )
    b = torch.randn(case["c_out"], dtype=torch.float64, generator=g)
    return x.to(device), w.to(device), b.to(device)


def _torch_conv(m, case, mode="zeros"):
    """torch with explicit F.pad (torch's conv takes only symmetric padding)."""
    flat = [p for pair in reversed(case["pads"]) for p in pair]

    def run(x, w, b=None):
        x = F.pad(x, flat, mode="constant" if mode == "zeros" else mode)
        return TORCH[m](
            x, w, b, stride=case["stride"], dilation=case["dilation"], groups=case["groups"]
        )

    return run


@pytest.mark.parametrize("m", [1, 2, 3])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_matches_torch_with_gradients(device, m, data):
    case = data.draw(conv_cases(m))
    x, w, b = _tensors(case, device)
    inputs = [x, w, b] if case["bias"] else [x, w]

    def ours(x, w, b=None):
        return OURS[m](
            x,
            w,
            b,
            stride=case["stride"],
            padding=case["pads"],
            dilation=case["dilation"],
            groups=case["groups"],
        )

    result = compare_with_gradients(ours, _torch_conv(m, case), inputs, rtol=1e-9, atol=1e-9)
    assert result.ok, (case, result.message)


@settings(max_examples=30, deadline=None)
@given(conv_cases(2), st.sampled_from(["reflect", "replicate", "circular"]))
def test_padding_modes_match_torch(device, case, mode):
    case["pads"] = tuple(
        (min(lo, n - 1), min(hi, n - 1))
        for (lo, hi), n in zip(case["pads"], case["sizes"], strict=True)
    )
    span = [d * (k - 1) + 1 for k, d in zip(case["kernel"], case["dilation"], strict=True)]
    case["sizes"] = [
        max(n, s - lo - hi)
        for n, s, (lo, hi) in zip(case["sizes"], span, case["pads"], strict=True)
    ]
    x, w, b = _tensors(case, device)
    ours = conv2d(
        x, w, b, case["stride"], case["pads"], case["dilation"], case["groups"], padding_mode=mode
    )
    assert compare(ours, _torch_conv(2, case, mode)(x, w, b), rtol=1e-9, atol=1e-9).ok


@pytest.mark.parametrize("m", [1, 2, 3])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_same_and_valid_strings_match_torch(device, m, data):
    case = data.draw(conv_cases(m))
    x, w, b = _tensors(case, device)
    for rule in ("same", "valid"):
        if rule == "valid" and any(
            n < d * (k - 1) + 1
            for n, k, d in zip(case["sizes"], case["kernel"], case["dilation"], strict=True)
        ):
            continue
        ours = OURS[m](x, w, b, padding=rule, dilation=case["dilation"], groups=case["groups"])
        theirs = TORCH[m](x, w, b, padding=rule, dilation=case["dilation"], groups=case["groups"])
        assert compare(ours, theirs, rtol=1e-9, atol=1e-9).ok, (rule, case)


def test_flip_is_true_convolution(device):
    x = torch.randn(2, 3, 6, 7, dtype=torch.float64, device=device)
    w = torch.randn(4, 3, 3, 2, dtype=torch.float64, device=device)
    assert torch.allclose(conv2d(x, w, flip=True), F.conv2d(x, w.flip(2, 3)))
    # a 1-D true convolution of impulses is the kernel itself: (f * δ)(i) = f(i)
    k = torch.tensor([[[1.0, 2.0, 3.0]]], dtype=torch.float64, device=device)
    delta = torch.tensor([[[0.0, 0.0, 1.0, 0.0, 0.0]]], dtype=torch.float64, device=device)
    assert conv1d(delta, k, padding="same", flip=True).flatten().tolist() == [
        0.0,
        1.0,
        2.0,
        3.0,
        0.0,
    ]


def test_constant_padding_value(device):
    x = torch.zeros(1, 1, 2, 2, dtype=torch.float64, device=device)
    w = torch.ones(1, 1, 3, 3, dtype=torch.float64, device=device)
    # every 3x3 window of a 2x2 zero image padded by 1 with 5s holds 5 padded cells
    y = conv2d(x, w, padding=1, padding_mode="constant", padding_value=5.0)
    assert y.flatten().tolist() == [25.0] * 4


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_keeps_dtype_device_and_unbatched_input(device, dtype):
    if dtype == torch.float16 and device.type == "cpu":
        dtype = torch.bfloat16
    x = torch.randn(3, 5, 6, device=device).to(dtype)
    w = torch.randn(2, 3, 3, 3, device=device).to(dtype)
    y = conv2d(x, w, padding=1)
    assert y.dtype == dtype and y.device == x.device and y.shape == (2, 5, 6)
    tol = 1e-5 if dtype in (torch.float32, torch.float64) else 5e-2
    assert compare(y.float(), F.conv2d(x.float(), w.float(), padding=1), rtol=tol, atol=tol * 10).ok


def test_depthwise_and_pointwise_are_groups_and_1x1(device):
    x = torch.randn(2, 4, 7, 5, dtype=torch.float64, device=device)
    dw = torch.randn(8, 1, 3, 3, dtype=torch.float64, device=device)
    pw = torch.randn(6, 8, 1, 1, dtype=torch.float64, device=device)
    y = conv2d(conv2d(x, dw, groups=4, padding=1), pw)
    assert compare(y, F.conv2d(F.conv2d(x, dw, groups=4, padding=1), pw), rtol=1e-9, atol=1e-9).ok


def test_corr2d_and_convolve2d(device):
    X = torch.arange(20.0, dtype=torch.float64, device=device).reshape(4, 5)
    K = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64, device=device)
    expected = torch.stack(
        [torch.stack([(X[i : i + 2, j : j + 2] * K).sum() for j in range(4)]) for i in range(3)]
    )
    assert compare(corr2d(X, K), expected).ok
    full = convolve2d(X, K, mode="full")
    assert full.shape == (5, 6) and torch.allclose(
        full, F.conv2d(X[None, None], K.flip(0, 1)[None, None], padding=1)[0, 0]
    )
    assert convolve2d(X, K, mode="valid").shape == (3, 4) and convolve2d(
        X, K, mode="same"
    ).shape == (4, 5)


W = torch.ones(2, 3, 3, 3)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (
            lambda: conv2d(torch.ones(3, 3), W),
            r"conv2d expects a 4-D input \(N, C_in, H, W\) or 3-D \(C_in, H, W\); got shape \(3, 3\)",
        ),
        (lambda: conv1d(torch.ones(1, 3, 5, 5), torch.ones(2, 3, 3)), "conv1d expects a 3-D input"),
        (lambda: conv2d(torch.ones(1, 3, 5, 5, dtype=torch.int64), W), "floating-point"),
        (lambda: conv2d(torch.ones(1, 4, 5, 5), W), "weight.shape.1. must be C_in/groups = 4"),
        (
            lambda: conv2d(torch.ones(1, 3, 5, 5), torch.ones(2, 1, 3, 3), groups=3),
            "groups=3 must divide both C_in=3 and C_out=2",
        ),
        (lambda: conv2d(torch.ones(1, 3, 5, 5), W, groups=0), "groups must be an int >= 1"),
        (lambda: conv2d(torch.ones(1, 3, 2, 5), W), "larger than the padded input"),
        (
            lambda: conv2d(torch.ones(1, 3, 5, 5), W, padding="same", stride=2),
            "padding='same' needs stride=1",
        ),
        (lambda: conv2d(torch.ones(1, 3, 5, 5), W, stride=0), "stride must be >= 1"),
        (lambda: conv2d(torch.ones(1, 3, 5, 5), W, dilation=(1, 0)), "dilation must be >= 1"),
        (lambda: conv2d(torch.ones(1, 3, 5, 5), W, padding=-1), "non-negative"),
        (lambda: conv2d(torch.ones(1, 3, 5, 5), W, torch.ones(3)), r"bias must have shape \(2,\)"),
        (lambda: conv2d(torch.ones(1, 3, 5, 5), W.double()), "weight is torch.float64"),
        (lambda: conv2d(torch.ones(1, 3, 5, 5), torch.ones(2, 3, 3)), "weight of shape"),
        (
            lambda: conv2d(torch.ones(1, 3, 5, 5), W, padding=1, padding_mode="mirror"),
            "padding_mode='mirror'",
        ),
        (lambda: conv2d(torch.ones(0, 3, 5, 5), W), "every input size >= 1"),
        (
            lambda: conv2d(torch.ones(1, 3, 5, 5), W, padding_value=2.0),
            "only applies to mode='constant'",
        ),
    ],
)
def test_bad_input_is_a_value_error(call, needle):
    with pytest.raises(ValueError, match=needle):
        call()


@pytest.mark.gpu
def test_cuda_matches_cpu_for_the_conv_family():
    """Same inputs on CUDA and CPU in float64: the reference gives the same numbers on both."""
    from cnngrade.reference.conv_transpose import conv_transpose2d
    from cnngrade.reference.deformable import deform_conv2d
    from cnngrade.reference.separable import spatially_separable_conv2d

    g = torch.Generator().manual_seed(5)
    x, w = (
        torch.randn(2, 4, 9, 8, generator=g, dtype=torch.float64),
        torch.randn(6, 2, 3, 3, generator=g, dtype=torch.float64),
    )
    offset = torch.randn(2, 18, 9, 8, generator=g, dtype=torch.float64)
    kernel = torch.outer(
        torch.randn(3, generator=g, dtype=torch.float64),
        torch.randn(2, generator=g, dtype=torch.float64),
    )
    calls = [
        lambda x, w, o, k: conv2d(x, w, padding=1, groups=2, padding_mode="reflect"),
        lambda x, w, o, k: conv_transpose2d(
            x, w[:4], stride=2, padding=1, output_padding=1, groups=2
        ),
        lambda x, w, o, k: deform_conv2d(x, o, w, padding=1),
        lambda x, w, o, k: spatially_separable_conv2d(x, k, padding="same"),
    ]
    for call in calls:
        on_cpu = call(x, w, offset, kernel)
        on_gpu = call(x.cuda(), w.cuda(), offset.cuda(), kernel.cuda())
        assert on_gpu.device.type == "cuda"
        assert compare(on_gpu, on_cpu, rtol=1e-10, atol=1e-10).ok


def test_ops_are_traced_once_without_their_internals(device):
    """A tracer sees one ``conv2d`` (not the pad or the depthwise contraction inside it)."""
    from cnngrade.reference._trace import listening
    from cnngrade.reference.separable import depthwise_separable_conv2d

    seen = []
    x = torch.ones(1, 2, 5, 5, device=device)
    with listening(
        lambda name, args, out: seen.append((name, tuple(out.shape), args.get("padding")))
    ):
        conv2d(x, torch.ones(3, 2, 3, 3, device=device), padding=1, padding_mode="reflect")
        depthwise_separable_conv2d(
            x, torch.ones(2, 1, 3, 3, device=device), torch.ones(4, 2, 1, 1, device=device)
        )
    assert seen == [("conv2d", (1, 3, 5, 5), 1), ("depthwise_separable_conv2d", (1, 4, 3, 3), 0)]
