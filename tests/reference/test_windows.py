"""reference.windows: the window view against a direct index formula and torch's F.unfold (im2col)."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference.analysis.sizes import conv_output_size
from cnngrade.reference.windows import sliding_windows


@pytest.fixture(autouse=True, scope="module")
def _seeded_torch():
    """Unseeded ``torch.randn`` calls in this module draw the same numbers on every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        yield


@st.composite
def geometries(draw, m):
    kernel = draw(st.lists(st.integers(1, 3), min_size=m, max_size=m))
    dilation = draw(st.lists(st.integers(1, 3), min_size=m, max_size=m))
    stride = draw(st.lists(st.integers(1, 4), min_size=m, max_size=m))
    sizes = [
        d * (k - 1) + 1 + draw(st.integers(0, 5)) for k, d in zip(kernel, dilation, strict=True)
    ]
    return sizes, tuple(kernel), tuple(stride), tuple(dilation)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3).flatmap(geometries))
def test_every_window_is_the_indexed_input(device, geometry):
    sizes, kernel, stride, dilation = geometry
    x = torch.randn(2, 3, *sizes, dtype=torch.float64, device=device)
    w = sliding_windows(x, kernel, stride, dilation)
    out = [
        conv_output_size(n, k, s, 0, d)
        for n, k, s, d in zip(sizes, kernel, stride, dilation, strict=True)
    ]
    assert tuple(w.shape) == (2, 3, *out, *kernel)
    for o in itertools.product(*map(range, out)):
        for j in itertools.product(*map(range, kernel)):
            src = tuple(
                oi * s + ji * d for oi, ji, s, d in zip(o, j, stride, dilation, strict=True)
            )
            assert torch.equal(
                w[(slice(None), slice(None), *o, *j)], x[(slice(None), slice(None), *src)]
            )


@settings(max_examples=30, deadline=None)
@given(geometries(2))
def test_matches_torch_unfold(device, geometry):
    sizes, kernel, stride, dilation = geometry
    x = torch.randn(2, 3, *sizes, dtype=torch.float64, device=device)
    w = sliding_windows(x, kernel, stride, dilation)  # (N, C, oh, ow, kh, kw)
    cols = F.unfold(x, kernel, dilation=dilation, stride=stride)  # (N, C*kh*kw, L)
    assert torch.equal(w.permute(0, 1, 4, 5, 2, 3).reshape(cols.shape), cols)


def test_is_a_view_and_carries_gradients(device):
    x = torch.randn(1, 1, 5, 5, dtype=torch.float64, device=device, requires_grad=True)
    w = sliding_windows(x, 3)
    assert w.data_ptr() == x.data_ptr()
    w.sum().backward()
    # each input pixel is counted once per window covering it: corner 1, centre 9
    assert x.grad[0, 0, 0, 0].item() == 1 and x.grad[0, 0, 2, 2].item() == 9


@pytest.mark.parametrize(
    ("shape", "kwargs", "needle"),
    [
        ((3, 3), {"kernel_size": 2}, "at least one spatial"),
        ((1, 1, 3, 3), {"kernel_size": 4}, "larger than the padded input"),
        ((1, 1, 5, 5), {"kernel_size": 2, "dilation": 5}, "span 6"),
        ((1, 1, 3, 3), {"kernel_size": 2, "stride": 0}, "stride must be >= 1"),
        ((1, 1, 3, 3), {"kernel_size": (2, 2, 2)}, "kernel_size must have 2 values"),
    ],
)
def test_bad_input_is_a_value_error(shape, kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        sliding_windows(torch.zeros(shape), **kwargs)
