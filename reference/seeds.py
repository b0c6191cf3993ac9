"""Every worked example of the course notes (``shared/seeds``), recomputed with the reference.

Each example is plain data — a key, a title, the seed file it comes from, the value the reference
computes and, where the notes slip, a note saying what the seed printed and why the value differs.
``cnngrade seeds`` prints them; ``tests/reference/test_seeds.py`` checks each value against the number
printed in its seed file. Network-level examples (LeNet, AlexNet, VGG, GoogLeNet) and cost counts
are in :mod:`reference._seeds_networks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from cnngrade.reference.analysis.receptive import LayerSpec, receptive_field
from cnngrade.reference.analysis.sizes import (
    conv_output_size,
    full_padding,
    pool_output_size,
    same_padding,
)
from cnngrade.reference.conv import conv2d, corr2d

F001 = "001_e1c1884862443026.txt"
F000 = "000_4e14c4d119d6d572.txt"
F002 = "002_cf45869b844badb6.txt"
F003 = "003_1a1c3f256275318e.txt"
F004 = "004_e86310fb4ee3ab85.txt"


@dataclass(frozen=True)
class SeedExample:
    """One reproduced worked example: ``value`` is what the reference computes (plain Python data)."""

    key: str
    title: str
    seed_file: str
    value: Any
    note: str = ""


def _t(rows) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float64)


def _plain(t: torch.Tensor) -> list:
    """Tensor -> nested lists of ints where the values are whole numbers, else floats (4 decimals)."""
    values = t.tolist()

    def clean(v):
        if isinstance(v, list):
            return [clean(u) for u in v]
        return int(v) if float(v).is_integer() else round(v, 4)

    return clean(values)


X09 = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]  # d2l's running example, 001
K03 = [[0, 1], [2, 3]]


def correlation_examples() -> list[SeedExample]:
    """corr2d, padding, stride, multi-channel and 1×1 examples of 001 and 004."""
    X, K = _t(X09), _t(K03)
    padded = conv2d(X[None, None], K[None, None], padding=1)[0, 0]
    strided = conv2d(X[None, None], K[None, None], padding=1, stride=(3, 2))[0, 0]
    X2 = _t([X09, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    K2 = _t([K03, [[1, 2], [3, 4]]])
    multi = conv2d(X2[None], K2[None])[0, 0]
    A = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    mix = _t(
        [A, [list(r) for r in zip(*A, strict=True)], [r[::-1] for r in A[::-1]]]
    )  # X, Xᵀ, X rotated 180°
    one_by_one = conv2d(mix[None], _t([0.5, 0.3, 0.2]).reshape(1, 3, 1, 1))[0, 0]
    I4 = _t([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    K4 = _t([[1, 0], [0, -1]])
    flashlight = corr2d(_t([[10, 20, 30], [40, 50, 60], [70, 80, 90]]), _t([[1, 0, -1]] * 3))
    return [
        SeedExample(
            "flashlight_000",
            "000's 'flashlight' example: 10..90 with the [1 0 −1] filter",
            F000,
            int(flashlight[0, 0]),
            "the seed's result was lost in extraction; (10+40+70) − (30+60+90)",
        ),
        SeedExample(
            "corr2d", "corr2d of 0..8 (3×3) with [[0,1],[2,3]]", F001, _plain(corr2d(X, K))
        ),
        SeedExample(
            "corr2d_first",
            "first output element 0·0 + 1·1 + 3·2 + 4·3",
            F001,
            int(corr2d(X, K)[0, 0]),
        ),
        SeedExample(
            "padding_3x3_to_5x5",
            "3×3 input padded to 5×5, 2×2 kernel -> 4×4 output",
            F001,
            _plain(padded),
        ),
        SeedExample(
            "stride_3_2", "padding 1, stride 3 (rows) and 2 (columns)", F001, _plain(strided)
        ),
        SeedExample("two_input_channels", "two input channels summed", F001, _plain(multi)),
        SeedExample(
            "one_by_one",
            "1×1 convolution with weights 0.5, 0.3, 0.2 over 3 channels",
            F001,
            _plain(one_by_one),
            "the third channel is the first rotated by 180° (its 0.2-scaled map 1.8 … 0.2 is "
            "printed); the seed's second panel (2, 6, 10, …) prints no weights and is not reproduced",
        ),
        SeedExample(
            "corr_004",
            "004: I = 1..9, K = [[1,0],[0,-1]], S[0,0] = 1·1 + 2·0 + 4·0 + 5·(−1)",
            F004,
            int(corr2d(I4, K4)[0, 0]),
        ),
        SeedExample(
            "conv_004_flipped",
            "004: true convolution (flipped K) of the same I, first value",
            F004,
            int(conv2d(I4[None, None], K4[None, None], flip=True)[0, 0, 0, 0]),
            "004 writes the discrete convolution as Σ_a f(i) g(i−a); it is Σ_a f(a) g(i−a), "
            "i.e. the kernel flipped: −1·1 + 1·5 = 4",
        ),
    ]


def edge_examples() -> list[SeedExample]:
    """Vertical edge detection (001): a 6×6 image and the [1 0 −1] column filter."""
    vertical = _t([[1, 0, -1]] * 3)
    image = _t(
        [
            [3, 0, 1, 2, 7, 4],
            [1, 5, 8, 9, 3, 1],
            [2, 7, 2, 5, 1, 3],
            [0, 1, 3, 1, 7, 8],
            [4, 2, 1, 6, 2, 8],
            [2, 4, 5, 2, 3, 9],
        ]
    )
    step = _t([[10, 10, 10, 0, 0, 0]] * 6)
    horizontal = _t([[10] * 6] * 3 + [[0] * 6] * 3)
    out = corr2d(image, vertical)
    return [
        SeedExample(
            "edge_first",
            "6×6 image * vertical edge filter, first value 3+1+2+0+0+0−1−8−2",
            F001,
            int(out[0, 0]),
        ),
        SeedExample("edge_shape", "6×6 * 3×3 -> output shape", F001, tuple(out.shape)),
        SeedExample(
            "edge_step",
            "bright-left/dark-right image -> the edge shows as 30s",
            F001,
            _plain(corr2d(step, vertical)),
        ),
        SeedExample(
            "edge_horizontal",
            "a horizontal edge is invisible to the vertical filter",
            F001,
            _plain(corr2d(horizontal, vertical)),
        ),
    ]


def cs231n_examples() -> list[SeedExample]:
    """001's 7×7×3 padded input, two 3×3×3 filters with biases 1 and 0, stride 2."""
    x = _t(
        [
            [
                [0] * 7,
                [0, 1, 0, 1, 0, 1, 0],
                [0, 1, 2, 2, 2, 2, 0],
                [0, 2, 1, 0, 2, 1, 0],
                [0, 0, 1, 2, 1, 2, 0],
                [0, 1, 1, 0, 1, 2, 0],
                [0] * 7,
            ],
            [
                [0] * 7,
                [0, 0, 0, 2, 2, 1, 0],
                [0, 2, 2, 0, 1, 0, 0],
                [0, 0, 2, 0, 1, 1, 0],
                [0, 0, 2, 1, 0, 0, 0],
                [0, 2, 0, 2, 2, 0, 0],
                [0] * 7,
            ],
            [
                [0] * 7,
                [0, 1, 2, 2, 2, 1, 0],
                [0, 0, 1, 1, 0, 1, 0],
                [0, 1, 1, 0, 0, 0, 0],
                [0, 1, 2, 0, 0, 0, 0],
                [0, 2, 1, 0, 0, 0, 0],
                [0] * 7,
            ],
        ]
    )
    w = _t(
        [
            [
                [[1, 1, -1], [-1, 0, -1], [1, 0, 0]],
                [[-1, -1, -1], [-1, 0, -1], [1, 1, 1]],
                [[-1, -1, 1], [-1, 0, 1], [1, -1, 1]],
            ],
            [
                [[0, 0, 1], [1, 1, -1], [0, -1, -1]],
                [[0, 1, 0], [-1, 0, -1], [1, 1, 1]],
                [[0, 1, 1], [-1, 0, 1], [0, -1, 1]],
            ],
        ]
    )
    out = conv2d(x[None], w, _t([1, 0]), stride=2)[0]
    per_channel = [int((x[c, :3, :3] * w[0, c]).sum()) for c in range(3)]
    garbled = (
        "only the first output row of each map is checked: the seed's later input rows were "
        "scrambled in extraction, so its remaining printed entries do not follow from the input"
    )
    return [
        SeedExample(
            "cs231n_first",
            "o[0,0,0] = 0 + 4 + 3 + bias 1 (per-channel sums)",
            F001,
            [*per_channel, int(out[0, 0, 0])],
        ),
        SeedExample(
            "cs231n_shape",
            "7×7×3 (padded) * two 3×3×3 filters, stride 2 -> (C, H, W)",
            F001,
            tuple(out.shape),
        ),
        SeedExample(
            "cs231n_rows",
            "first rows of the two output maps",
            F001,
            [_plain(out[0, 0]), _plain(out[1, 0])],
            garbled,
        ),
    ]


def size_examples() -> list[SeedExample]:
    """Output sizes, padding modes, receptive fields."""
    shrink = 240
    for _ in range(10):
        shrink = conv_output_size(shrink, 5)
    dilated = receptive_field([LayerSpec("conv", 3, dilation=d) for d in (1, 2, 4)])
    stacked = receptive_field([LayerSpec("conv", 3), LayerSpec("conv", 3)])
    two_by_two = receptive_field([LayerSpec("conv", 2), LayerSpec("conv", 2)])
    return [
        SeedExample("valid_10_5", "10×10 * 5×5, valid -> side", F000, conv_output_size(10, 5)),
        SeedExample(
            "same_10_5",
            "10×10 * 5×5, same -> side (padding (2, 2))",
            F000,
            conv_output_size(10, 5, padding=same_padding(5)),
        ),
        SeedExample(
            "full_10_5",
            "10×10 * 5×5, full -> side (padding 4 each side)",
            F000,
            conv_output_size(10, 5, padding=full_padding(5)),
            "the seed says only 'larger'; 10 + 5 − 1 = 14",
        ),
        SeedExample("shrink_240", "240×240 after ten 5×5 convolutions -> side", F001, shrink),
        SeedExample(
            "size_5_3_1_2",
            "5×5, f=3, p=1, s=2 -> side",
            F002,
            conv_output_size(5, 3, stride=2, padding=1),
        ),
        SeedExample(
            "dilated_rf",
            "receptive fields of 3×3 convs with dilation 1, 2, 4 stacked",
            F000,
            [info.receptive_field for info in dilated],
        ),
        SeedExample(
            "two_3x3_rf",
            "two stacked 3×3 convolutions see a 5×5 window",
            F001,
            stacked[-1].receptive_field,
        ),
        SeedExample(
            "rf_z_elements",
            "z after two 2×2 convolutions on a 3×3 input sees this many inputs",
            F001,
            two_by_two[-1].receptive_field ** 2,
        ),
    ]


def pooling_examples() -> list[SeedExample]:
    """2×2 max pooling of 0..8 and the pooling facts of 002."""
    from cnngrade.reference.pooling import max_pool2d

    X = _t(X09)[None, None]
    pooled = max_pool2d(X, 2, stride=1)[0, 0]
    kept = 1 / (2 * 2)
    return [
        SeedExample(
            "max_pool_2x2", "2×2 max pooling of 0..8: max(0,1,3,4) = 4, …", F001, _plain(pooled)
        ),
        SeedExample(
            "max_pool_2x2_000",
            "000's 2×2 max pooling example",
            F000,
            _plain(pooled),
            "000 says the stride is 2, but the windows it lists ([[0,1],[3,4]], [[1,2],[4,5]], …) are "
            "those of stride 1; with stride 2 a 3×3 input gives a single value, 4",
        ),
        SeedExample(
            "max_pool_discards",
            "2×2 stride-2 max pooling drops this share of activations",
            F002,
            1 - kept,
        ),
        SeedExample(
            "pool_size_vgg",
            "VGG pooling halves 224 (2×2 window, stride 2)",
            F001,
            pool_output_size(224, 2, 2),
            "001 says 'pooling_size = 3, padding = 1'; VGG pools 2×2 with stride 2 (both halve 224)",
        ),
    ]


def seed_examples() -> tuple[SeedExample, ...]:
    """All reproduced examples, in the order of the notes.

    >>> examples = seed_examples()
    >>> next(e.value for e in examples if e.key == "corr2d")
    [[19, 25], [37, 43]]
    """
    from cnngrade.reference._seeds_networks import cost_examples, network_examples

    groups = (
        correlation_examples,
        edge_examples,
        cs231n_examples,
        size_examples,
        pooling_examples,
        cost_examples,
        network_examples,
    )
    return tuple(example for group in groups for example in group())
