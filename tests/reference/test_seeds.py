"""Every worked example of ../shared/seeds, recomputed by reference.seeds, equals the number the seed prints.

Expected values are copied from the seed files named beside them. Where the README lists a slip,
the expected value is the correct one and the example must carry a note.
"""

from __future__ import annotations

import sympy

from cnngrade.reference.seeds import seed_examples

F000, F001, F002, F003, F004 = (
    "000_4e14c4d119d6d572.txt",
    "001_e1c1884862443026.txt",
    "002_cf45869b844badb6.txt",
    "003_1a1c3f256275318e.txt",
    "004_e86310fb4ee3ab85.txt",
)
L = sympy.Symbol("L", positive=True, integer=True)

# key: (seed file, value as printed there)
PRINTED = {
    # 001, "互相关运算": [[19, 25], [37, 43]], 0×0 + 1×1 + 3×2 + 4×3 = 19
    "corr2d": (F001, [[19, 25], [37, 43]]),
    "corr2d_first": (F001, 19),
    # 001, "什么是填充": 3×3 padded to 5×5 -> 4×4 output table
    "padding_3x3_to_5x5": (F001, [[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]),
    # 001, "步幅的应用举例": [[0, 8], [6, 8]]
    "stride_3_2": (F001, [[0, 8], [6, 8]]),
    # 001, "多输入通道举例": [[56, 72], [104, 120]]
    "two_input_channels": (F001, [[56, 72], [104, 120]]),
    # 001, "1*1 的卷积核是什么?": 2.6 3.8 5.0 / 3.8 5.0 6.2 / 5.0 6.2 7.4
    "one_by_one": (F001, [[2.6, 3.8, 5.0], [3.8, 5.0, 6.2], [5.0, 6.2, 7.4]]),
    # 004, "互相关运算": S[0,0] = 1×1 + 2×0 + 4×0 + 5×(−1)
    "corr_004": (F004, 1 * 1 + 2 * 0 + 4 * 0 + 5 * (-1)),
    # 004's convolution formula slip (README): the flipped kernel gives −1·1 + 1·5
    "conv_004_flipped": (F004, -1 * 1 + 1 * 5),
    # 001, "Vertical edge detection": 3 + 1 + 2 + 0 + 0 + 0 + (−1) + (−8) + (−2) = −5, 3×3 filter -> 4×4
    "edge_first": (F001, -5),
    "edge_shape": (F001, (4, 4)),
    "edge_step": (F001, [[0, 30, 30, 0]] * 4),
    "edge_horizontal": (F001, [[0, 0, 0, 0]] * 4),
    # 001, "多输出通道举例": 8 = 0 + 4 + 3 + 1; output volume 3×3×2; o[:,:,0] starts 8 4 −1, o[:,:,1] 5 −3 −5
    "cs231n_first": (F001, [0, 4, 3, 8]),
    "cs231n_shape": (F001, (2, 3, 3)),
    "cs231n_rows": (F001, [[8, 4, -1], [5, -3, -5]]),
    # 000, 2.1: 10 − 5 + 1 = 6; same keeps 10; full is larger: 10 + 5 − 1
    "valid_10_5": (F000, 6),
    "same_10_5": (F000, 10),
    "full_10_5": (F000, 14),
    # 001, "为什么需要填充和步幅": 240×240 after ten 5×5 layers -> 200×200
    "shrink_240": (F001, 200),
    # 002, 3.2: 5×5, f=3, p=1, s=2 -> 3×3
    "size_5_3_1_2": (F002, 3),
    # 000, 3.2: "the receptive fields are 3, 7, and 15"
    "dilated_rf": (F000, [3, 7, 15]),
    # 001, "特征映射与感受野": two 3×3 simulate 5×5; z sees all 9 inputs
    "two_3x3_rf": (F001, 5),
    "rf_z_elements": (F001, 9),
    # 001, "池化层": max(0,1,3,4) = 4, max(1,2,4,5) = 5, max(3,4,6,7) = 7, max(4,5,7,8) = 8
    "max_pool_2x2": (F001, [[4, 5], [7, 8]]),
    # 000, 2.4: output [[4, 5], [7, 8]]
    "max_pool_2x2_000": (F000, [[4, 5], [7, 8]]),
    # 002, 5.1.1: 2×2 stride-2 max pooling drops 75% of the activations
    "max_pool_discards": (F002, 0.75),
    # 001, VGG: the pooling halves the feature map (README slip: 2×2 window, stride 2)
    "pool_size_vgg": (F001, 112),
    # 000, 1.1: 1000×1000 pixels, each to 1000 hidden neurons: a billion (十亿) parameters
    "mlp_params": (F000, 10**9),
    # 000, 3.3: Sobel as 3×1 column times 1×3 row; 6 parameters instead of 9; 45 + 27 = 72 vs 81
    "sobel_factors": (F000, [[1.0, 2.0, 1.0], [-1.0, 0.0, 1.0]]),
    "sobel_params": (F000, [9, 6]),
    "sobel_macs": (F000, [45, 27, 72, 81]),
    # 000, 3.4: 86,400 vs 675 + 9,600 = 10,275, "roughly only 12%"
    "depthwise_macs": (F000, [86400, 675, 9600, 10275]),
    "depthwise_percent": (F000, 12),
    # 000, 3.5: "The number of parameters is reduced by half"
    "grouped_ratio": (F000, sympy.Rational(1, 2)),
    # 001, "通过上例想说明什么?": 26 vs 20 parameters
    "rf_params": (F001, [26, 20]),
    # 003, 2.4: a 12×12×20×100 convolution gives the 1×100 vector
    "fc_as_conv": (F003, [1, 12 * 12 * 20 * 100]),
    # 001, DenseNet: L(L+1)/2 connections; Figure 1 is a 5-layer dense block
    "densenet_connections": (F001, [L * (L + 1) / 2, 15]),
    # 000, 2.5: 6@28×28, 6@14×14, 16@10×10, 16@5×5, 16×5×5 = 400, 120, 84, 10
    "lenet_shapes": (
        F000,
        [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,), (120,), (84,), (10,)],
    ),
    # 001, LeNet: 6@(28 − 5 + 1 + 2×2) = 28
    "lenet_c1_001": (F001, 28),
    # 001, AlexNet: 55, 27, 27, 13, 13 (C3-C5), 6, then 1×1×4096
    "alexnet_sides": (F001, [55, 27, 27, 13, 13, 6, 1]),
    # 001, "AlexNet神经元数量"
    "alexnet_neurons": (F001, [290400, 186624, 64896, 64896, 43264, 4096, 4096, 1000]),
    "alexnet_neurons_total": (F001, 659272),
    # 001, "AlexNet参数数量"; README slip: the output layer has 4,096,000 + 1,000 biases
    "alexnet_params": (
        F001,
        [34944, 307456, 885120, 663936, 442624, 37752832, 16781312, 4096000 + 1000],
    ),
    "alexnet_params_total": (F001, 60964224 + 1000),
    # 001, VGG: 112, 56, 28, 14, 7; 7×7×512 = 25088
    "vgg_sides": (F001, [224, 112, 56, 28, 14, 7]),
    "vgg_flatten": (F001, 25088),
    # 001, GoogLeNet: 112×112×64, 56×56×64, 28×28×192; 64·7·7·3, 1·1·64·64 = 4096, 3·3·64·192 = 110592
    "googlenet_sides": (F001, [112, 56, 28]),
    "googlenet_conv_params": (F001, [64 * 7 * 7 * 3, 4096, 110592]),
    # 001, inception (3a): 12288 + 129024 + 15872 + 6144 = 163328, 163328/1024 = 159.5K; 64+128+32+32 = 256
    "inception_3a_paths": (F001, [12288, 129024, 15872, 6144]),
    "inception_3a_total": (F001, [163328, 159.5]),
    "inception_3a_channels": (F001, 256),
    # 001, VGG "ConvNet Configuration": 11, 11, 13, 16, 16, 19 weight layers
    "vgg_weight_layers": (F001, [11, 11, 13, 16, 16, 19]),
    # 001, "AlexNet参数数量" with the README's bias correction
    "alexnet_zoo_params": (F001, 60964224 + 1000),
    # 001, GoogLeNet table: convolution 3×3/1 row, params 112K, ops 360M; inception (3a) ops 128M
    "googlenet_conv2_cost": (F001, [112, 360]),
    "inception_3a_macs": (F001, 128),
    # 000, 1.3: the result cell is empty in the extracted text; (10+40+70)·1 + (30+60+90)·(−1)
    "flashlight_000": (F000, (10 + 40 + 70) - (30 + 60 + 90)),
}

# the README's known slips (plus 000's stride and 001's extraction damage) must carry a note
NOTED = {
    "alexnet_params",
    "alexnet_params_total",
    "pool_size_vgg",
    "conv_004_flipped",
    "grouped_ratio",
    "max_pool_2x2_000",
    "cs231n_rows",
    "full_10_5",
    "one_by_one",
    "googlenet_sides",
    "alexnet_zoo_params",
    "flashlight_000",
}


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, sympy.Basic) or isinstance(b, sympy.Basic):
        return sympy.simplify(sympy.sympify(a) - sympy.sympify(b)) == 0
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return a == b


def test_every_example_equals_the_printed_value():
    examples = {e.key: e for e in seed_examples()}
    assert set(examples) == set(PRINTED), (
        "every reproduced example needs its printed value here, and back"
    )
    wrong = {
        key: (examples[key].value, expected)
        for key, (seed, expected) in PRINTED.items()
        if examples[key].seed_file != seed or not _same(examples[key].value, expected)
    }
    assert not wrong


def test_slips_carry_a_note_and_other_examples_do_not_need_one():
    examples = {e.key: e for e in seed_examples()}
    assert all(examples[key].note for key in NOTED)
    assert len({e.key for e in seed_examples()}) == len(seed_examples())


def test_every_seed_file_is_covered():
    assert {e.seed_file for e in seed_examples()} == {F000, F001, F002, F003, F004}


def test_cli_prints_the_table_and_json():
    import json

    from typer.testing import CliRunner

    import cnngrade.grader.cli.main  # noqa: F401  (registers the commands)
    from cnngrade.grader.cli.app import app

    runner = CliRunner()
    table = runner.invoke(app, ["seeds"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "659,272" in table.output and "60,965,224" in table.output
    rows = json.loads(runner.invoke(app, ["seeds", "--json", "--seed", "004"]).output)
    assert {row["key"] for row in rows} == {"corr_004", "conv_004_flipped"}
