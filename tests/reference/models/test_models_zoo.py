"""The zoo against published parameter counts and the seeds' layer-by-layer walk-throughs."""

from __future__ import annotations

import pytest
import torch

from cnngrade.reference.analysis import conv_output_size, neurons, pool_output_size
from cnngrade.reference.models import DenseBlock, Inception, get, names
from cnngrade.reference.models.googlenet import TABLE1, inception
from cnngrade.reference.models.lenet import C3_TABLE, PartialConv2d


def _count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# name -> published parameter count, and where it is published
PUBLISHED = {
    # torchvision.models documentation ("Params" column of the classification table)
    "alexnet": 61_100_840,
    "vgg11": 132_863_336,
    "vgg11_bn": 132_868_840,
    "vgg13": 133_047_848,
    "vgg13_bn": 133_053_736,
    "vgg16": 138_357_544,
    "vgg16_bn": 138_365_992,
    "vgg19": 143_667_240,
    "vgg19_bn": 143_678_248,
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
    "densenet121": 7_978_856,
    "densenet161": 28_681_000,
    "densenet169": 14_149_480,
    "densenet201": 20_013_928,
    # LeCun et al. 1998, section II.B: "60,000 trainable parameters"
    "lenet5_1998": 60_000,
    # Keras Applications MobileNet (alpha=1.0): 4,231,976 trainable parameters
    "mobilenet_v1": 4_231_976,
    # seed 001's table 60,964,224 + the output layer's 1,000 biases that the slide leaves out
    "alexnet_2gpu": 60_964_224 + 1_000,
}


@pytest.fixture(scope="module")
def meta_models() -> dict[str, torch.nn.Module]:
    """Every registered model built once on the meta device (no memory, no initialization cost)."""
    with torch.device("meta"):
        return {name: get(name) for name in names()}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_parameter_counts(meta_models, name):
    assert _count(meta_models[name]) == PUBLISHED[name]


def test_mobilenet_width_multipliers_match_the_paper_table(meta_models):
    # Howard et al. 2017, Table 6: 1.0 -> 4.2M, 0.75 -> 2.6M, 0.5 -> 1.3M, 0.25 -> 0.5M parameters
    with torch.device("meta"):
        counts = {
            a: _count(get("mobilenet_v1", width_multiplier=a)) for a in (1.0, 0.75, 0.5, 0.25)
        }
    assert {a: round(c / 1e6, 1) for a, c in counts.items()} == {
        1.0: 4.2,
        0.75: 2.6,
        0.5: 1.3,
        0.25: 0.5,
    }
    bn_statistics = sum(
        b.numel() for n, b in meta_models["mobilenet_v1"].named_buffers() if "running" in n
    )
    assert (
        counts[1.0] + bn_statistics == 4_253_864
    )  # Keras: total params incl. moving mean/variance


def test_lenet_1998_layer_parameters(meta_models):
    net = meta_models["lenet5_1998"]
    per_layer = [_count(net[i]) for i in (0, 2, 4, 6, 8, 11)]  # C1, S2, C3, S4, C5, F6
    assert per_layer == [156, 12, 1_516, 32, 48_120, 10_164]  # LeCun et al. 1998, section II.B
    assert sum(b.numel() for b in net[-1].buffers()) == 840  # fixed RBF codes, not trainable


def test_lenet_1998_c3_reads_only_its_table():
    c3 = PartialConv2d(C3_TABLE, kernel_size=5).double()
    for out_map, inputs in enumerate(C3_TABLE):
        x = torch.zeros(1, 6, 5, 5, dtype=torch.double, requires_grad=True)
        c3(x)[0, out_map].sum().backward()
        touched = {c for c in range(6) if x.grad[0, c].abs().sum() > 0}
        assert touched == set(inputs), f"C3 map {out_map}"


def test_lenet_course_walkthrough():
    # seed 000: 28 -> 28 -> 14 -> 10 -> 5 -> 400 -> 120 -> 84 -> 10
    x = torch.zeros(1, 1, 28, 28)
    sizes = []
    for layer in get("lenet5"):
        x = layer(x)
        sizes.append(tuple(x.shape[1:]))
    assert sizes == [
        (6, 28, 28),
        (6, 28, 28),
        (6, 14, 14),
        (16, 10, 10),
        (16, 10, 10),
        (16, 5, 5),
        (400,),
        (120,),
        (120,),
        (84,),
        (84,),
        (10,),
    ]


def test_alexnet_two_gpu_slide_table(meta_models):
    # seed 001, "AlexNet 参数数量": per-layer counts, the output layer without its bias
    net = meta_models["alexnet_2gpu"]
    convs = [m for m in net if isinstance(m, torch.nn.Conv2d)]
    fcs = [m for m in net if isinstance(m, torch.nn.Linear)]
    table = [_count(m) for m in convs] + [_count(m) for m in fcs[:2]] + [fcs[2].weight.numel()]
    assert table == [34_944, 307_456, 885_120, 663_936, 442_624, 37_752_832, 16_781_312, 4_096_000]
    assert sum(table) == 60_964_224


def test_alexnet_two_gpu_sizes_and_neurons():
    # seed 001: 227 -> 55 -> 27 -> 13 -> 6; neurons = conv feature maps + FC outputs = 659,272
    net = get("alexnet_2gpu").eval()
    x, maps, counted = torch.zeros(1, 3, 227, 227), [], 0
    with torch.no_grad():
        for layer in net:
            x = layer(x)
            if isinstance(layer, (torch.nn.Conv2d, torch.nn.Linear)):
                counted += neurons(tuple(x.shape[1:]))
            if isinstance(layer, (torch.nn.Conv2d, torch.nn.MaxPool2d)):
                maps.append(x.shape[-1])
    assert maps == [55, 27, 27, 13, 13, 13, 13, 6]
    assert counted == 659_272
    assert pool_output_size(conv_output_size(227, 11, stride=4), 3, stride=2) == 27


def test_vgg_walkthrough():
    # seed 001/003: 224 -> 112 -> 56 -> 28 -> 14 -> 7, channels doubling 64 -> 512 (VGG-11, the cheapest)
    net = get("vgg11", image_size=224, num_classes=10)
    x, after_pool = torch.zeros(1, 3, 224, 224), []
    with torch.no_grad():
        for layer in net[:-8]:  # the convolutional trunk (before Flatten and the classifier)
            x = layer(x)
            if isinstance(layer, torch.nn.MaxPool2d):
                after_pool.append((x.shape[1], x.shape[-1]))
    assert after_pool == [(64, 112), (128, 56), (256, 28), (512, 14), (512, 7)]
    assert net[-7].in_features == 512 * 7 * 7


def test_vgg_c_has_1x1_convolutions(meta_models):
    kernels = [m.kernel_size for m in meta_models["vgg16_c"] if isinstance(m, torch.nn.Conv2d)]
    assert kernels.count((1, 1)) == 3 and len(kernels) == 13


def test_inception_3a_weights_and_channels():
    # seed 001: 12,288 + 129,024 + 15,872 + 6,144 = 163,328 weights (biases not counted), 256 channels
    block = inception("3a", 192)
    paths = [block.p1, block.p2, block.p3, block.p4]
    weights = [
        sum(m.weight.numel() for m in p.modules() if isinstance(m, torch.nn.Conv2d)) for p in paths
    ]
    assert weights == [12_288, 129_024, 15_872, 6_144] and sum(weights) == 163_328
    assert block(torch.zeros(1, 192, 28, 28)).shape == (1, 256, 28, 28)


def test_googlenet_channel_plan():
    # Table 1 output channels: 3a 256, 3b 480, 4a 512, 4b 512, 4c 512, 4d 528, 4e 832, 5a 832, 5b 1024
    expected = {
        "3a": 256,
        "3b": 480,
        "4a": 512,
        "4b": 512,
        "4c": 512,
        "4d": 528,
        "4e": 832,
        "5a": 832,
        "5b": 1024,
    }
    channels = 192
    for name in TABLE1:
        out = inception(name, channels)(torch.zeros(1, channels, 3, 3)).shape[1]
        assert out == expected[name], name
        channels = out
    assert isinstance(inception("3a", 192), Inception)


def test_googlenet_uses_the_papers_5x5_branch(meta_models):
    kernels = {
        m.kernel_size for m in meta_models["googlenet"].modules() if isinstance(m, torch.nn.Conv2d)
    }
    assert (5, 5) in kernels


def test_googlenet_aux_classifiers_only_in_training():
    net = get("googlenet", num_classes=7, aux_logits=True, image_size=96)
    x = torch.zeros(2, 3, 96, 96)
    with torch.no_grad():
        train_out = net.train()(x)
        eval_out = net.eval()(x)
    assert [tuple(t.shape) for t in train_out] == [(2, 7)] * 3
    assert tuple(eval_out.shape) == (2, 7)


def test_dense_block_grows_by_the_growth_rate_with_all_to_all_connections():
    block = DenseBlock(4, in_channels=8, growth_rate=5, bn_size=None).double()
    firsts = [layer[0].num_features for layer in block.net]  # each layer's BatchNorm sees its input
    assert firsts == [8, 13, 18, 23]
    assert block(torch.zeros(2, 8, 4, 4, dtype=torch.double)).shape == (2, 28, 4, 4)
    # layer i reads the block input and every earlier layer: with the input as layer 0, L(L+1)/2 links
    links = sum(1 + i for i in range(len(block.net)))
    assert links == 4 * 5 // 2


def test_densenet121_stage_channels(meta_models):
    blocks = [m for m in meta_models["densenet121"] if isinstance(m, DenseBlock)]
    outs = [b.net[0][0][0].num_features + len(b.net) * 32 for b in blocks]
    assert outs == [256, 512, 1024, 1024]  # 64+6*32, 128+12*32, 256+24*32, 512+16*32


@pytest.mark.parametrize(
    "name", ["resnet18", "resnet50", "densenet121", "mobilenet_v1", "shufflenet_v1", "nin"]
)
def test_options_num_classes_and_in_channels(name):
    net = get(name, num_classes=7, in_channels=1).eval()
    with torch.no_grad():
        assert net(
            torch.zeros(2, 1, 64 if name != "nin" else 224, 64 if name != "nin" else 224)
        ).shape == (2, 7)


def test_nin_walkthrough():
    # d2l NiN on 224×224: 54 → pool 26 → 26 → pool 12 → 12 → pool 5 → 5 → global pool 1
    x, sides = torch.zeros(1, 1, 224, 224), []
    with torch.no_grad():
        for layer in get("nin"):
            x = layer(x)
            sides.append(x.shape[-1] if x.dim() == 4 else None)
    assert sides == [54, 26, 26, 12, 12, 5, 5, 5, 1, None]


def test_shufflenet_unit_parameters_and_shuffle():
    from cnngrade.reference.analysis import batch_norm_params, conv_params, summarize
    from cnngrade.reference.models import ShuffleNetUnit

    unit = ShuffleNetUnit(240, 240, groups=3)
    expected = (
        conv_params(240, 60, (1, 1), groups=3, bias=False)
        + batch_norm_params(60)
        + conv_params(60, 60, (3, 3), groups=60, bias=False)
        + batch_norm_params(60)
        + conv_params(60, 240, (1, 1), groups=3, bias=False)
        + batch_norm_params(240)
    )
    assert _count(unit) == expected
    types = list(summarize(unit, (1, 240, 8, 8))["type"])
    assert types.index("channel_shuffle") == types.index("conv2d") + 3  # gconv, BN, ReLU, shuffle
