"""Seed worked examples about costs and whole networks (LeNet, AlexNet, VGG, GoogLeNet, DenseNet).

Part of :mod:`reference.seeds`; sizes come from ``analysis.sizes``, counts from ``analysis.counts``,
and the LeNet walk-through runs the reference ops themselves on a zero image.
"""

from __future__ import annotations

import sympy
import torch

from cnngrade.reference.analysis.counts import (
    conv_macs,
    conv_params,
    depthwise_separable_macs,
    linear_params,
    neurons,
    spatially_separable_macs,
    spatially_separable_params,
)
from cnngrade.reference.analysis.sizes import conv_output_size, pool_output_size
from cnngrade.reference.seeds import F000, F001, F003, SeedExample

SOBEL_X = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]


def cost_examples() -> list[SeedExample]:
    """Parameter and multiplication counts: MLP vs conv, separable and grouped convolutions."""
    from cnngrade.reference.separable import factor_separable

    column, row = factor_separable(torch.tensor(SOBEL_X, dtype=torch.float64))
    c_in, c_out, k = sympy.symbols("C_in C_out k", positive=True, integer=True)
    grouped = sympy.simplify(
        conv_params(c_in, c_out, k, groups=2, bias=False) / conv_params(c_in, c_out, k, bias=False)
    )
    L = sympy.Symbol("L", positive=True, integer=True)
    j = sympy.Symbol("j", positive=True, integer=True)
    dense = sympy.factor(
        sympy.summation(j, (j, 1, L))
    )  # layer j takes the j earlier outputs x_0 … x_{j−1}
    standard = conv_macs(3, 128, (3, 3), (5, 5))
    separable = depthwise_separable_macs(3, 128, (3, 3), (5, 5))
    return [
        SeedExample(
            "mlp_params",
            "1000×1000 image fully connected to 1000 hidden units (weights)",
            F000,
            linear_params(1000 * 1000, 1000, bias=False),
        ),
        SeedExample(
            "sobel_factors", "Sobel-x = column × row", F000, [column.tolist(), row.tolist()]
        ),
        SeedExample(
            "sobel_params",
            "parameters: full 3×3 vs column + row",
            F000,
            [conv_params(1, 1, (3, 3), bias=False), spatially_separable_params((3, 3))],
        ),
        SeedExample(
            "sobel_macs",
            "multiplications on a 5×5 image: column pass, row pass, total, full 3×3",
            F000,
            [
                conv_macs(1, 1, (3, 1), (3, 5)),
                conv_macs(1, 1, (1, 3), (3, 3)),
                spatially_separable_macs((5, 5), (3, 3)),
                conv_macs(1, 1, (3, 3), (3, 3)),
            ],
        ),
        SeedExample(
            "depthwise_macs",
            "128 kernels 3×3×3 over 5×5 positions: standard, depthwise, pointwise, total",
            F000,
            [
                standard,
                conv_macs(3, 3, (3, 3), (5, 5), groups=3),
                conv_macs(3, 128, (1, 1), (5, 5)),
                separable,
            ],
        ),
        SeedExample(
            "depthwise_percent",
            "depthwise separable cost as a % of standard (rounded)",
            F000,
            round(100 * separable / standard),
        ),
        SeedExample(
            "grouped_ratio",
            "parameters with 2 groups / without",
            F000,
            grouped,
            "the seed's formulas were lost in extraction; C_out (C_in/g) k² vs C_out C_in k²",
        ),
        SeedExample(
            "rf_params",
            "one 5×5 kernel + bias vs two 3×3 kernels + biases (1 channel)",
            F001,
            [conv_params(1, 1, 5), 2 * conv_params(1, 1, 3)],
        ),
        SeedExample(
            "fc_as_conv",
            "003: FC on 12×12×20 as a 12×12 conv with 100 filters: output side, weights",
            F003,
            [conv_output_size(12, 12), conv_params(20, 100, 12, bias=False)],
        ),
        SeedExample(
            "densenet_connections",
            "connections in an L-layer dense block; L = 5",
            F001,
            [dense, dense.subs(L, 5)],
        ),
    ]


def _lenet_shapes() -> list[tuple[int, ...]]:
    """Run d2l's LeNet (001/000) through the reference ops on a zero 28×28 image; record shapes."""
    from cnngrade.reference.conv import conv2d
    from cnngrade.reference.layers import linear
    from cnngrade.reference.pooling import avg_pool2d

    f64 = torch.float64
    x = torch.zeros(1, 1, 28, 28, dtype=f64)
    shapes = []
    x = conv2d(x, torch.zeros(6, 1, 5, 5, dtype=f64), padding=2)
    shapes.append(tuple(x.shape[1:]))
    x = avg_pool2d(x, 2, stride=2)
    shapes.append(tuple(x.shape[1:]))
    x = conv2d(x, torch.zeros(16, 6, 5, 5, dtype=f64))
    shapes.append(tuple(x.shape[1:]))
    x = avg_pool2d(x, 2, stride=2)
    shapes.append(tuple(x.shape[1:]))
    x = x.flatten(1)
    shapes.append(tuple(x.shape[1:]))
    for width in (120, 84, 10):
        x = linear(x, torch.zeros(width, x.shape[1], dtype=f64))
        shapes.append(tuple(x.shape[1:]))
    return shapes


def _alexnet() -> tuple[list[int], list[int], list[int]]:
    """001's two-GPU AlexNet on 227×227: feature-map sides, neuron counts and parameters per layer."""
    c1 = conv_output_size(227, 11, stride=4)
    p1 = pool_output_size(c1, 3, 2)  # overlapping pooling: window 3, stride 2
    c2 = conv_output_size(p1, 5, padding=2)
    p2 = pool_output_size(c2, 3, 2)
    c3 = conv_output_size(p2, 3, padding=1)
    p5 = pool_output_size(c3, 3, 2)
    fc6 = conv_output_size(p5, p5)  # FC6 as a 6×6×256 convolution -> 1×1×4096
    sides = [c1, p1, c2, p2, c3, p5, fc6]
    maps = [
        (96, c1, c1),
        (256, c2, c2),
        (384, c3, c3),
        (384, c3, c3),
        (256, c3, c3),
        (4096,),
        (4096,),
        (1000,),
    ]
    params = [
        conv_params(3, 96, 11),
        conv_params(
            96, 256, 5, groups=2
        ),  # C2..C5 on two GPUs: C4, C5 and C2 see half the channels
        conv_params(256, 384, 3),
        conv_params(384, 384, 3, groups=2),
        conv_params(384, 256, 3, groups=2),
        linear_params(neurons((256, p5, p5)), 4096),
        linear_params(4096, 4096),
        linear_params(4096, 1000),
    ]
    return sides, [neurons(m) for m in maps], params


def network_examples() -> list[SeedExample]:
    """LeNet, AlexNet, VGG and GoogLeNet numbers of 000/001."""
    sides, alex_neurons, alex_params = _alexnet()
    vgg = [224]
    for _ in range(5):
        vgg.append(pool_output_size(vgg[-1], 2, 2))
    g1 = conv_output_size(224, 7, stride=2, padding=3)
    g2 = pool_output_size(
        g1, 3, 2, ceil_mode=True
    )  # GoogLeNet pools with ceil_mode (torchvision too)
    g3 = pool_output_size(conv_output_size(g2, 3, padding=1), 3, 2, ceil_mode=True)
    inception_3a = [
        conv_params(192, 64, 1, bias=False),
        conv_params(192, 96, 1, bias=False) + conv_params(96, 128, 3, bias=False),
        conv_params(192, 16, 1, bias=False) + conv_params(16, 32, 5, bias=False),
        conv_params(192, 32, 1, bias=False),
    ]
    slip = (
        "001 counts the output layer as 1000 × 4096 = 4,096,000 (no bias) and the total as "
        "60,964,224; with the output layer's 1000 biases they are 4,097,000 and 60,965,224"
    )
    return [
        SeedExample(
            "lenet_shapes",
            "LeNet on 28×28 (padding 2): C1, S2, C3, S4, flattened, F5, F6, output",
            F000,
            _lenet_shapes(),
        ),
        SeedExample(
            "lenet_c1_001",
            "001: 28×28 -> 6@5×5 with padding=2 -> side",
            F001,
            conv_output_size(28, 5, padding=2),
        ),
        SeedExample(
            "alexnet_sides",
            "AlexNet 227: C1, pool, C2, pool, C3-C5, pool, FC6-as-conv",
            F001,
            sides,
        ),
        SeedExample(
            "alexnet_neurons", "AlexNet neurons: C1..C5 maps, FC6, FC7, output", F001, alex_neurons
        ),
        SeedExample("alexnet_neurons_total", "AlexNet neurons in total", F001, sum(alex_neurons)),
        SeedExample(
            "alexnet_params",
            "AlexNet parameters per layer (C1..C5, FC6, FC7, output)",
            F001,
            alex_params,
            slip,
        ),
        SeedExample(
            "alexnet_params_total", "AlexNet parameters in total", F001, sum(alex_params), slip
        ),
        SeedExample("vgg_sides", "VGG: five 2×2/2 poolings of 224", F001, vgg),
        SeedExample(
            "vgg_flatten", "VGG: flattened 7×7×512", F001, neurons((512, vgg[-1], vgg[-1]))
        ),
        SeedExample(
            "googlenet_sides",
            "GoogLeNet: 7×7/2 conv, 3×3/2 pool, 3×3 conv, 3×3/2 pool",
            F001,
            [g1, g2, g3],
            "001 writes the pooled size as ((112 − 3 + 1)/2) + 1; torch's ceil_mode gives the same 56 and 28",
        ),
        SeedExample(
            "googlenet_conv_params",
            "GoogLeNet weights: 7×7×3×64, 1×1×64×64, 3×3×64×192",
            F001,
            [
                conv_params(3, 64, 7, bias=False),
                conv_params(64, 64, 1, bias=False),
                conv_params(64, 192, 3, bias=False),
            ],
        ),
        SeedExample(
            "inception_3a_paths",
            "inception (3a) weights per path (1×1; 1×1+3×3; 1×1+5×5; pool+1×1)",
            F001,
            inception_3a,
        ),
        SeedExample(
            "inception_3a_total",
            "inception (3a) weights in total, and in K (/1024)",
            F001,
            [sum(inception_3a), sum(inception_3a) / 1024],
        ),
        SeedExample(
            "inception_3a_channels",
            "inception (3a) output channels 64 + 128 + 32 + 32",
            F001,
            64 + 128 + 32 + 32,
        ),
        *_zoo_examples(),
    ]


def _zoo_examples() -> list[SeedExample]:
    """Table numbers of 001 checked on the model zoo (built on the meta device: shapes, no memory)."""
    from cnngrade.reference import models

    with torch.device("meta"):
        vgg = [
            models.get(name)
            for name in ("vgg11", "vgg11_lrn", "vgg13", "vgg16_c", "vgg16", "vgg19")
        ]
        alexnet = models.get("alexnet_2gpu")
    weight_layers = [
        sum(isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) for m in net.modules()) for net in vgg
    ]
    conv2 = [(64, 64, 1), (64, 192, 3)]  # GoogLeNet's second stage on 56×56: 1×1 reduce, then 3×3
    inception = [(192, 64, 1), (192, 96, 1), (96, 128, 3), (192, 16, 1), (16, 32, 5), (192, 32, 1)]
    return [
        SeedExample(
            "vgg_weight_layers",
            "VGG configurations A, A-LRN, B, C, D, E: weight layers (model zoo)",
            F001,
            weight_layers,
        ),
        SeedExample(
            "alexnet_zoo_params",
            "AlexNet (two-GPU) parameters counted on the model zoo",
            F001,
            sum(p.numel() for p in alexnet.parameters()),
            "with the output layer's biases; 001 prints 60,964,224",
        ),
        SeedExample(
            "googlenet_conv2_cost",
            "GoogLeNet 1×1 + 3×3 conv stage: K params (/1024), M MACs",
            F001,
            [
                sum(conv_params(i, o, k, bias=False) for i, o, k in conv2) // 1024,
                round(sum(conv_macs(i, o, k, (56, 56)) for i, o, k in conv2) / 1e6),
            ],
        ),
        SeedExample(
            "inception_3a_macs",
            "inception (3a) M MACs on 28×28",
            F001,
            round(sum(conv_macs(i, o, k, (28, 28)) for i, o, k in inception) / 1e6),
        ),
    ]
