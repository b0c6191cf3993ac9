"""Every convolution worked example in the course material (``../shared/seeds``), reproduced by reference/.

Each test names the seed file (and the example) it comes from. Counting-only examples (parameter and
multiplication totals) that the analysis module owns are checked here only where they follow from the
shapes our convolutions actually produce.
"""

from __future__ import annotations

import pytest
import torch

from cnngrade.reference.conv import conv1d, conv2d, convolve2d, corr2d
from cnngrade.reference.conv_transpose import conv_transpose2d
from cnngrade.reference.padding import pad
from cnngrade.reference.separable import (
    depthwise_separable_conv2d,
    factor_separable,
    spatially_separable_conv2d,
)


@pytest.fixture(autouse=True, scope="module")
def _seeded_torch():
    """Unseeded ``torch.randn`` calls in this module draw the same numbers on every run."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        yield


def T(rows, device):
    return torch.tensor(rows, dtype=torch.float64, device=device)


def test_corr2d_0_to_8(device):
    # 001_e1c1884862443026.txt: 0..8 (3x3) ⋆ [[0,1],[2,3]] = [[19,25],[37,43]]; 0·0 + 1·1 + 3·2 + 4·3 = 19
    X = torch.arange(9.0, dtype=torch.float64, device=device).reshape(3, 3)
    K = T([[0, 1], [2, 3]], device)
    assert corr2d(X, K).tolist() == [[19, 25], [37, 43]]


def test_vertical_edge_detection(device):
    # 001_e1c1884862443026.txt: 6x6 image with a vertical edge ⋆ [[1,0,-1]]*3 -> 4x4 rows [0, 30, 30, 0]
    image = T([[10, 10, 10, 0, 0, 0]] * 6, device)
    K = T([[1, 0, -1]] * 3, device)
    assert corr2d(image, K).tolist() == [[0, 30, 30, 0]] * 4


def test_edge_detection_first_value(device):
    # 001_e1c1884862443026.txt: 3·1 + 1·1 + 2·1 + 0 + 0 + 0 - 1 - 8 - 2 = -5, a 4x4 output
    image = T(
        [
            [3, 0, 1, 2, 7, 4],
            [1, 5, 8, 9, 3, 1],
            [2, 7, 2, 5, 1, 3],
            [0, 1, 3, 1, 7, 8],
            [4, 2, 1, 6, 2, 8],
            [2, 4, 5, 2, 3, 9],
        ],
        device,
    )
    Y = corr2d(image, T([[1, 0, -1]] * 3, device))
    assert Y.shape == (4, 4) and Y[0, 0].item() == -5


def test_padding_3x3_to_5x5_gives_4x4(device):
    # 001_e1c1884862443026.txt: 0..8 padded by 1 (5x5) ⋆ [[0,1],[2,3]] -> 4x4
    X = torch.arange(9.0, dtype=torch.float64, device=device).reshape(1, 1, 3, 3)
    Y = conv2d(X, T([[[[0, 1], [2, 3]]]], device), padding=1)
    assert Y[0, 0].tolist() == [[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]


def test_stride_3_rows_2_columns(device):
    # 001_e1c1884862443026.txt: padding 1, stride 3 (rows) / 2 (cols) -> [[0, 8], [6, 8]]
    X = torch.arange(9.0, dtype=torch.float64, device=device).reshape(1, 1, 3, 3)
    Y = conv2d(X, T([[[[0, 1], [2, 3]]]], device), padding=1, stride=(3, 2))
    assert Y[0, 0].tolist() == [[0, 8], [6, 8]]


def test_two_input_channels(device):
    # 001_e1c1884862443026.txt: channels 0..8 and 1..9 with kernels [[0,1],[2,3]] and [[1,2],[3,4]] -> [[56,72],[104,120]]
    X = (
        torch.stack([torch.arange(9.0), torch.arange(1.0, 10.0)])
        .reshape(1, 2, 3, 3)
        .to(device, torch.float64)
    )
    K = T([[[[0, 1], [2, 3]], [[1, 2], [3, 4]]]], device)
    assert conv2d(X, K)[0, 0].tolist() == [[56, 72], [104, 120]]


def test_multi_output_channels_with_bias_cs231n(device):
    # 001_e1c1884862443026.txt ("多输出通道举例"): 5x5x3 input padded to 7x7x3, two 3x3x3 filters, biases 1 and 0,
    # stride 2 -> 3x3x2; "8 = 0 + 4 + 3 + 1" is the first output (channel sums + bias).
    # The later rows printed in the seed are garbled by extraction; the first row of each map is legible.
    x = T(
        [
            [[1, 0, 1, 0, 1], [1, 2, 2, 2, 2], [2, 1, 0, 2, 1], [0, 1, 2, 1, 2], [1, 1, 0, 1, 2]],
            [[0, 0, 2, 2, 1], [2, 2, 0, 1, 0], [0, 2, 0, 1, 1], [0, 2, 1, 0, 0], [2, 0, 2, 2, 0]],
            [[1, 2, 2, 2, 1], [0, 1, 1, 0, 1], [1, 1, 0, 0, 0], [1, 2, 0, 0, 0], [2, 1, 0, 0, 0]],
        ],
        device,
    )[None]
    w0 = [
        [[1, 1, -1], [-1, 0, -1], [1, 0, 0]],
        [[-1, -1, -1], [-1, 0, -1], [1, 1, 1]],
        [[-1, -1, 1], [-1, 0, 1], [1, -1, 1]],
    ]
    w1 = [
        [[0, 0, 1], [1, 1, -1], [0, -1, -1]],
        [[0, 1, 0], [-1, 0, -1], [1, 1, 1]],
        [[0, 1, 1], [-1, 0, 1], [0, -1, 1]],
    ]
    W, b = T([w0, w1], device), T([1, 0], device)
    out = conv2d(x, W, b, stride=2, padding=1)
    assert out.shape == (1, 2, 3, 3)
    assert out[0, 0, 0].tolist() == [8, 4, -1] and out[0, 1, 0].tolist() == [5, -3, -5]
    per_channel = [
        conv2d(x[:, c : c + 1], W[:1, c : c + 1], stride=2, padding=1)[0, 0, 0, 0].item()
        for c in range(3)
    ]
    assert per_channel == [0, 4, 3]


def test_cross_correlation_k_1_0_0_minus_1(device):
    # 004_e86310fb4ee3ab85.txt: I = 1..9, K = [[1,0],[0,-1]]: S[0,0] = 1·1 + 2·0 + 4·0 + 5·(-1) = -4
    image = torch.arange(1.0, 10.0, dtype=torch.float64, device=device).reshape(3, 3)
    assert corr2d(image, T([[1, 0], [0, -1]], device)).tolist() == [[-4, -4], [-4, -4]]


def test_discrete_convolution_sum(device):
    # 004_e86310fb4ee3ab85.txt: (f ⋆ g)(i) = Σ_a f(a) g(i - a) (the seed's f(i) is a slip for f(a))
    f, g = [1.0, 2.0, 3.0], [0.0, 1.0, 0.5]
    expected = [sum(f[a] * g[i - a] for a in range(3) if 0 <= i - a < 3) for i in range(5)]
    y = conv1d(T([[f]], device), T([[g]], device), padding="full", flip=True)
    assert y.flatten().tolist() == expected


def test_valid_same_full_on_10x10_with_5x5(device):
    # 000_4e14c4d119d6d572.txt: 10x10 image, 5x5 kernel, stride 1: valid -> 6x6, same -> 10x10, full -> 14x14
    image, kernel = (
        torch.rand(10, 10, dtype=torch.float64, device=device),
        torch.rand(5, 5, dtype=torch.float64, device=device),
    )
    sizes = {
        mode: tuple(convolve2d(image, kernel, mode=mode).shape)
        for mode in ("valid", "same", "full")
    }
    assert sizes == {"valid": (6, 6), "same": (10, 10), "full": (14, 14)}


def test_opencv_border_types(device):
    # 000_4e14c4d119d6d572.txt: cv2.copyMakeBorder with BORDER_CONSTANT(value), BORDER_WRAP, BORDER_REFLECT, BORDER_REPLICATE
    row = T([[1, 2, 3, 4, 5]], device)
    assert pad(row, [(3, 3)], "BORDER_CONSTANT", value=9.0)[0].tolist() == [
        9,
        9,
        9,
        1,
        2,
        3,
        4,
        5,
        9,
        9,
        9,
    ]
    assert pad(row, [(3, 3)], "BORDER_WRAP")[0].tolist() == [3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3]
    assert pad(row, [(3, 3)], "BORDER_REFLECT")[0].tolist() == [3, 2, 1, 1, 2, 3, 4, 5, 5, 4, 3]
    assert pad(row, [(3, 3)], "BORDER_REPLICATE")[0].tolist() == [1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5]
    assert pad(row, [(3, 3)], "BORDER_REFLECT_101")[0].tolist() == [4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2]


def test_output_size_5x5_k3_p1_s2(device):
    # 002_cf45869b844badb6.txt: 5x5 input, 3x3 kernel, padding 1, stride 2 -> 3x3
    assert conv2d(
        torch.ones(1, 1, 5, 5, device=device),
        torch.ones(1, 1, 3, 3, device=device),
        padding=1,
        stride=2,
    ).shape == (1, 1, 3, 3)


def test_sobel_is_column_times_row_and_saves_multiplications(device):
    # 000_4e14c4d119d6d572.txt: Sobel = 3x1 column x 1x3 row; 6 parameters instead of 9; on a 5x5 image
    # 9·9 = 81 multiplications vs 15·3 + 9·3 = 45 + 27 = 72.
    sobel = T([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], device)
    column, row = factor_separable(sobel)
    assert (
        column.tolist() == [1, 2, 1]
        and row.tolist() == [-1, 0, 1]
        and column.numel() + row.numel() == 6
    )
    image = torch.rand(1, 1, 5, 5, dtype=torch.float64, device=device)
    full = conv2d(image, sobel[None, None])
    middle = conv2d(image, column.reshape(1, 1, 3, 1))  # 3x5 intermediate
    final = conv2d(middle, row.reshape(1, 1, 1, 3))
    assert torch.allclose(final, full) and torch.allclose(
        spatially_separable_conv2d(image, sobel), full
    )
    assert full.numel() * sobel.numel() == 81
    assert (middle.numel() * 3, final.numel() * 3) == (45, 27)


def test_depthwise_separable_multiplications(device):
    # 000_4e14c4d119d6d572.txt: 7x7x3 input, 128 kernels 3x3x3 over 5x5 positions: 86,400 multiplications;
    # depthwise 3 x (3x3x1) -> 675, pointwise 128 x (1x1x3) -> 9,600; 10,275 in all, ~12%
    x = torch.rand(1, 3, 7, 7, dtype=torch.float64, device=device)
    standard = conv2d(x, torch.rand(128, 3, 3, 3, dtype=torch.float64, device=device))
    dw, pw = (
        torch.rand(3, 1, 3, 3, dtype=torch.float64, device=device),
        torch.rand(128, 3, 1, 1, dtype=torch.float64, device=device),
    )
    depthwise = conv2d(x, dw, groups=3)
    separable = depthwise_separable_conv2d(x, dw, pw)
    assert standard.shape == separable.shape == (1, 128, 5, 5)
    costs = (standard.numel() * 3 * 9, depthwise.numel() * 9, separable.numel() * 3)
    assert costs == (86_400, 675, 9_600) and round(100 * (675 + 9_600) / 86_400) == 12


def test_dilated_receptive_fields_3_7_15(device):
    # 000_4e14c4d119d6d572.txt: stacked 3x3 convolutions with dilation 1, 2, 4 see 3, 7 and 15 input pixels
    x = torch.zeros(1, 1, 31, 31, dtype=torch.float64, device=device, requires_grad=True)
    y, fields = x, []
    for rate in (1, 2, 4):
        y = conv2d(
            y,
            torch.ones(1, 1, 3, 3, dtype=torch.float64, device=device),
            dilation=rate,
            padding=rate,
        )
        (grad,) = torch.autograd.grad(y[0, 0, 15, 15], x, retain_graph=True)
        rows = grad[0, 0].abs().sum(1).nonzero().flatten()
        fields.append(int(rows.max() - rows.min() + 1))
    assert fields == [3, 7, 15]


def test_transposed_conv_scatters_a_single_value(device):
    # 000_4e14c4d119d6d572.txt: a 2x2 X ⋆ 2x2 W gives one value Y = [5]; the transposed conv spreads 5 back
    # to a 2x2 map (5·W) — the same shape as X, not X itself. The seed's X and W were lost in extraction;
    # these are chosen so that Y = [5] as in the text.
    X, W = T([[[[1, 2], [0, 1]]]], device), T([[[[1, 1], [0, 2]]]], device)
    Y = conv2d(X, W)
    assert Y.flatten().tolist() == [5]
    assert torch.equal(conv_transpose2d(Y, W), 5 * W)
