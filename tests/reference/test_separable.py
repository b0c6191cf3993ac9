"""reference.separable: depthwise/pointwise vs torch, separable == full kernel, factoring, channel shuffle."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference.compare import compare, compare_with_gradients
from cnngrade.reference.conv import conv2d
from cnngrade.reference.separable import (
    channel_shuffle,
    depthwise_conv2d,
    depthwise_separable_conv2d,
    factor_separable,
    pointwise_conv2d,
    spatially_separable_conv2d,
)


@pytest.fixture(autouse=True, scope="module")
def _seeded_torch():
    """Unseeded ``torch.randn`` calls in this module draw the same numbers on every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        yield


SOBEL_X = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2),
    st.integers(1, 2),
)
def test_depthwise_matches_torch_with_gradients(
    device, c, multiplier, k, stride, padding, dilation
):
    x = torch.randn(2, c, 7, 6, dtype=torch.float64, device=device)
    w = torch.randn(c * multiplier, 1, k, k, dtype=torch.float64, device=device)
    b = torch.randn(c * multiplier, dtype=torch.float64, device=device)
    result = compare_with_gradients(
        lambda x, w, b: depthwise_conv2d(x, w, b, stride, padding, dilation),
        lambda x, w, b: F.conv2d(x, w, b, stride, padding, dilation, groups=c),
        [x, w, b],
        rtol=1e-9,
        atol=1e-9,
    )
    assert result.ok, result.message


def test_pointwise_is_per_pixel_channel_mixing(device):
    x = torch.randn(2, 5, 4, 3, dtype=torch.float64, device=device)
    w = torch.randn(7, 5, dtype=torch.float64, device=device)
    expected = torch.einsum("oc,nchw->nohw", w, x)
    assert compare(pointwise_conv2d(x, w), expected, rtol=1e-12, atol=1e-12).ok
    assert compare(
        pointwise_conv2d(x, w[:, :, None, None]),
        F.conv2d(x, w[:, :, None, None]),
        rtol=1e-12,
        atol=1e-12,
    ).ok


def test_depthwise_separable_is_depthwise_then_pointwise(device):
    x = torch.randn(1, 3, 9, 8, dtype=torch.float64, device=device)
    dw, pw = (
        torch.randn(6, 1, 3, 3, dtype=torch.float64, device=device),
        torch.randn(4, 6, 1, 1, dtype=torch.float64, device=device),
    )
    db, pb = (
        torch.randn(6, dtype=torch.float64, device=device),
        torch.randn(4, dtype=torch.float64, device=device),
    )
    ours = depthwise_separable_conv2d(x, dw, pw, db, pb, stride=2, padding=1)
    theirs = F.conv2d(F.conv2d(x, dw, db, stride=2, padding=1, groups=3), pw, pb)
    assert compare(ours, theirs, rtol=1e-10, atol=1e-10).ok


def test_factor_sobel_into_integer_column_and_row():
    # 000_4e14c4d119d6d572.txt: Sobel = [1, 2, 1]^T x [-1, 0, 1]
    column, row = factor_separable(torch.tensor(SOBEL_X))
    assert column.tolist() == [1.0, 2.0, 1.0] and row.tolist() == [-1.0, 0.0, 1.0]
    column, row = factor_separable([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])  # Sobel-y, as a plain list
    assert torch.equal(
        torch.outer(column, row),
        torch.tensor([[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=torch.float64),
    )
    assert column.tolist() == [1.0, 0.0, -1.0] and row.tolist() == [-1.0, -2.0, -1.0]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-4, 4), min_size=1, max_size=5),
    st.lists(st.integers(-4, 4), min_size=1, max_size=5),
)
def test_integer_rank_one_kernels_get_integer_factors(a, b):
    kernel = torch.outer(torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64))
    if not kernel.any():
        with pytest.raises(ValueError, match="rank 0"):
            factor_separable(kernel)
        return
    column, row = factor_separable(kernel)
    assert torch.equal(torch.outer(column, row), kernel)
    assert torch.equal(column, column.round()) and torch.equal(row, row.round())


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_real_rank_one_kernels_factor_by_svd(kh, kw, seed):
    g = torch.Generator().manual_seed(seed)
    kernel = torch.outer(
        torch.rand(kh, generator=g, dtype=torch.float64) + 0.1,
        torch.randn(kw, generator=g, dtype=torch.float64),
    )
    column, row = factor_separable(kernel)
    assert compare(torch.outer(column, row), kernel, rtol=1e-10, atol=1e-12).ok


@pytest.mark.parametrize(
    ("kernel", "rank"),
    [
        ([[1.0, 0.0], [0.0, -1.0]], 2),
        ([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 2.0]], 2),
        ([[0.0, 0.0]], 0),
    ],
)
def test_non_separable_kernel_is_refused(kernel, rank):
    with pytest.raises(ValueError, match=rf"kernel is not separable \(rank {rank}\)"):
        factor_separable(kernel)
    with pytest.raises(ValueError, match="not separable"):
        spatially_separable_conv2d(torch.ones(1, 1, 4, 4), torch.tensor(kernel))


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2),
    st.sampled_from(["zeros", "reflect", "symmetric", "replicate", "circular"]),
    st.integers(0, 2**32 - 1),
)
def test_two_passes_equal_the_full_kernel(device, kh, kw, stride, dilation, padding, mode, seed):
    g = torch.Generator().manual_seed(seed)
    kernel = torch.outer(
        torch.randn(kh, generator=g, dtype=torch.float64),
        torch.randn(kw, generator=g, dtype=torch.float64),
    ).to(device)
    x = torch.randn(
        2, 3, 6 + dilation * kh, 5 + dilation * kw, generator=g, dtype=torch.float64
    ).to(device)
    ours = spatially_separable_conv2d(x, kernel, None, stride, padding, dilation, mode)
    full = conv2d(
        x, kernel.expand(3, 1, kh, kw), None, stride, padding, dilation, groups=3, padding_mode=mode
    )
    assert compare(ours, full, rtol=1e-9, atol=1e-9).ok


def test_per_channel_kernels_equal_the_depthwise_conv(device):
    g = torch.Generator().manual_seed(11)
    columns = torch.randn(3, 4, generator=g, dtype=torch.float64)
    rows = torch.randn(3, 2, generator=g, dtype=torch.float64)
    kernels = torch.einsum("ci,cj->cij", columns, rows)[:, None].to(
        device
    )  # (C, 1, 4, 2), rank 1 each
    x = torch.randn(2, 3, 9, 7, generator=g, dtype=torch.float64).to(device)
    ours = spatially_separable_conv2d(x, kernels, stride=(2, 1), padding=(1, (0, 1)))
    full = conv2d(x, kernels, stride=(2, 1), padding=(1, (0, 1)), groups=3)
    assert compare(ours, full, rtol=1e-10, atol=1e-10).ok
    kernels[1, 0] = torch.eye(4, 2, dtype=torch.float64, device=device)
    with pytest.raises(ValueError, match=r"kernel\[1, 0\]: kernel is not separable \(rank 2\)"):
        spatially_separable_conv2d(x, kernels)


def test_sobel_two_passes_on_an_image(device):
    x = torch.arange(36.0, dtype=torch.float64, device=device).reshape(1, 1, 6, 6) ** 2
    sobel = torch.tensor(SOBEL_X, dtype=torch.float64, device=device)
    assert compare(
        spatially_separable_conv2d(x, sobel, padding="same"),
        F.conv2d(x, sobel[None, None], padding=1),
    ).ok


@pytest.mark.parametrize("groups", [1, 2, 3, 6])
def test_channel_shuffle_matches_torch(device, groups):
    x = torch.randn(2, 6, 3, 2, device=device)
    assert torch.equal(channel_shuffle(x, groups), F.channel_shuffle(x, groups))


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (
            lambda: channel_shuffle(torch.ones(1, 6, 2, 2), 4),
            "groups=4 must be an int >= 1 dividing the 6",
        ),
        (lambda: channel_shuffle(torch.ones(6), 2), "at least 2-D"),
        (
            lambda: depthwise_conv2d(torch.ones(1, 3, 4, 4), torch.ones(3, 3, 3, 3)),
            r"\(C_in \* multiplier, 1, kH, kW\)",
        ),
        (
            lambda: depthwise_conv2d(torch.ones(1, 3, 4, 4), torch.ones(4, 1, 3, 3)),
            "groups=3 must divide both",
        ),
        (
            lambda: pointwise_conv2d(torch.ones(1, 3, 4, 4), torch.ones(2, 3, 3, 3)),
            "pointwise weight",
        ),
        (lambda: factor_separable(torch.ones(2, 2, 2)), "2-D"),
        (
            lambda: spatially_separable_conv2d(
                torch.ones(1, 1, 5, 5), torch.ones(3, 3), stride=2, padding="same"
            ),
            "needs stride=1",
        ),
        (
            lambda: spatially_separable_conv2d(torch.ones(1, 2, 5, 5), torch.ones(3, 1, 3, 3)),
            r"kernel must be \(kH, kW\) or \(C, 1, kH, kW\) with C=2",
        ),
        (
            lambda: spatially_separable_conv2d(torch.ones(1, 1, 2, 5), torch.ones(3, 3)),
            "larger than the padded input",
        ),
    ],
)
def test_bad_input_is_a_value_error(call, needle):
    with pytest.raises(ValueError, match=needle):
        call()
