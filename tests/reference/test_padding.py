"""reference.padding: every mode against numpy.pad (any width) and torch's F.pad (where torch allows)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.reference.compare import compare, compare_with_gradients
from cnngrade.reference.padding import normalize_mode, pad, resolve_padding


@pytest.fixture(autouse=True, scope="module")
def _seeded_torch():
    """Unseeded ``torch.randn`` calls in this module draw the same numbers on every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        yield


# our mode -> numpy.pad mode (numpy's 'reflect' is OpenCV's BORDER_REFLECT_101, 'symmetric' BORDER_REFLECT)
NUMPY_MODE = {
    "reflect": "reflect",
    "symmetric": "symmetric",
    "replicate": "edge",
    "circular": "wrap",
}


@st.composite
def padded_arrays(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=ndim + 1, max_size=ndim + 1)))
    k = draw(st.integers(1, ndim))
    pairs = [tuple(draw(st.lists(st.integers(0, 7), min_size=2, max_size=2))) for _ in range(k)]
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).standard_normal(shape), pairs


@settings(max_examples=60, deadline=None)
@given(padded_arrays(), st.sampled_from(sorted(NUMPY_MODE)))
def test_modes_match_numpy_pad_at_any_width(device, case, mode):
    array, pairs = case
    if mode == "reflect" and any(array.shape[-len(pairs) + i] == 1 for i in range(len(pairs))):
        mode = "symmetric"  # numpy cannot reflect_101 a length-1 axis
    widths = [(0, 0)] * (array.ndim - len(pairs)) + pairs
    expected = np.pad(array, widths, mode=NUMPY_MODE[mode])
    actual = pad(torch.tensor(array, device=device), pairs, mode=mode)
    assert compare(actual, expected, rtol=0, atol=0).ok


@settings(max_examples=30, deadline=None)
@given(padded_arrays(), st.floats(-3, 3))
def test_constant_matches_numpy_pad(device, case, value):
    array, pairs = case
    widths = [(0, 0)] * (array.ndim - len(pairs)) + pairs
    expected = np.pad(array, widths, mode="constant", constant_values=value)
    assert compare(
        pad(torch.tensor(array, device=device), pairs, "constant", value), expected, rtol=0, atol=0
    ).ok


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.data())
def test_matches_torch_pad_with_gradients(device, k, data):
    spatial = data.draw(st.lists(st.integers(2, 6), min_size=k, max_size=k))
    mode = data.draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    limit = [n - 1 for n in spatial]  # torch's reflect needs pad < n
    pairs = [tuple(data.draw(st.integers(0, lim)) for _ in range(2)) for lim in limit]
    x = torch.randn(2, 3, *spatial, dtype=torch.float64, device=device)
    flat = [p for pair in reversed(pairs) for p in pair]  # torch lists the LAST dim first
    torch_mode = "constant" if mode == "zeros" else mode
    result = compare_with_gradients(
        lambda t: pad(t, pairs, mode), lambda t: F.pad(t, flat, mode=torch_mode), [x]
    )
    assert result.ok, result.message


def test_opencv_and_torch_vocabularies():
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    rows = {
        "BORDER_CONSTANT": [0, 0, 1, 2, 3, 4, 0, 0],
        "BORDER_REFLECT_101": [3, 2, 1, 2, 3, 4, 3, 2],
        "reflect101": [3, 2, 1, 2, 3, 4, 3, 2],
        "BORDER_REFLECT": [2, 1, 1, 2, 3, 4, 4, 3],
        "BORDER_REPLICATE": [1, 1, 1, 2, 3, 4, 4, 4],
        "BORDER_WRAP": [3, 4, 1, 2, 3, 4, 1, 2],
        "Border_Default": [3, 2, 1, 2, 3, 4, 3, 2],
    }
    for mode, expected in rows.items():
        assert pad(x, [(2, 2)], mode=mode)[0].tolist() == expected, mode


def test_wider_than_input_repeats_the_rule():
    x = torch.tensor([[1.0, 2.0, 3.0]])
    # OpenCV: reflect_101 of 1 2 3 repeats with period 4: ... 2 1 2 3 2 | 1 2 3
    assert pad(x, [(5, 0)], mode="reflect")[0].tolist() == [2, 1, 2, 3, 2, 1, 2, 3]
    assert pad(x, [(4, 0)], mode="circular")[0].tolist() == [3, 1, 2, 3, 1, 2, 3]


def test_keeps_dtype_and_device(device):
    for dtype in (torch.float16, torch.float32, torch.float64):
        x = torch.ones(1, 2, 3, dtype=dtype, device=device)
        y = pad(x, [(1, 1)], mode="reflect")
        assert y.dtype == dtype and y.device == x.device and y.shape == (1, 2, 5)


def test_resolve_padding_rules():
    assert resolve_padding(2, (3, 3), (1, 1), 2) == ((2, 2), (2, 2))
    assert resolve_padding((1, 2), (3, 3), (1, 1), 2) == ((1, 1), (2, 2))
    assert resolve_padding(((0, 1), (2, 3)), (3, 3), (1, 1), 2) == ((0, 1), (2, 3))
    assert resolve_padding("VALID", (5,), (1,), 1) == ((0, 0),)
    assert resolve_padding("same", (5, 4), (1, 1), 2) == (
        (2, 2),
        (1, 2),
    )  # torch: extra on the right
    assert resolve_padding("same", (4,), (3,), 1) == ((4, 5),)  # span 3*3+1 = 10
    assert resolve_padding("full", (5, 3), (1, 2), 2) == ((4, 4), (4, 4))


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: pad(torch.ones(2, 3), [(1, 1)], mode="mirror"), "padding_mode='mirror'"),
        (lambda: pad(torch.ones(2, 3), [(-1, 1)]), "non-negative"),
        (lambda: pad(torch.ones(3), [(1, 1), (1, 1)]), "only 1"),
        (lambda: pad(torch.ones(3), [(1, 1)], mode="reflect", value=2.0), "value=2.0"),
        (lambda: pad(torch.ones(3), 2), "pairs"),
        (lambda: pad(torch.ones(3), [(1, 1)], mode="zeros", value=1.0), "value=1.0 only applies"),
        (lambda: resolve_padding("half", (3,), (1,), 1), "padding='half'"),
        (lambda: resolve_padding((1, 2, 3), (3, 3), (1, 1), 2), "tuple of 2"),
        (lambda: resolve_padding(-1, (3,), (1,), 1), "non-negative"),
    ],
)
def test_bad_input_is_a_value_error(call, needle):
    with pytest.raises(ValueError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_normalize_mode_is_case_insensitive():
    assert {normalize_mode(m) for m in ("ZEROS", "constant", "BORDER_CONSTANT")} == {"constant"}
