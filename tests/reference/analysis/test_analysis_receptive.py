"""receptive.py: the seeds, VGG-16 and AlexNet trunks by hand, and an empirical gradient check."""

from __future__ import annotations

import pytest
import sympy
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnngrade.reference.analysis import (
    LayerSpec,
    RFInfo,
    conv_output_size,
    pool_output_size,
    receptive_field,
    rf_step,
    rf_transposed_step,
    rf_union,
    summarize,
)
from cnngrade.reference.models import get


def _trunk_specs(model: torch.nn.Module) -> list[tuple[torch.nn.Module, LayerSpec]]:
    """LayerSpecs of the convolutions and max pools of a sequential trunk, with their modules."""
    out = []
    for m in model:
        if isinstance(m, torch.nn.Conv2d):
            out.append(
                (m, LayerSpec("conv", m.kernel_size[0], m.stride[0], m.padding[0], m.dilation[0]))
            )
        elif isinstance(m, torch.nn.MaxPool2d):
            out.append((m, LayerSpec("max_pool", m.kernel_size, m.stride, m.padding)))
    return out


def test_seed_000_dilated_stack():
    # seed 000: 3x3 convolutions with dilation 1, 2, 4 stacked: receptive fields 3, 7, 15
    infos = receptive_field([LayerSpec("conv", 3, dilation=d) for d in (1, 2, 4)])
    assert [i.receptive_field for i in infos] == [3, 7, 15]
    assert [i.jump for i in infos] == [1, 1, 1]


def test_seed_001_two_3x3_equal_one_5x5():
    two = receptive_field([LayerSpec("conv", 3), LayerSpec("conv", 3)])[-1]
    one = receptive_field([LayerSpec("conv", 5)])[-1]
    assert two == one == RFInfo(5, 1, 2)


def test_seed_002_strided_layer():
    # seed 002: 5x5 input, k=3, p=1, s=2 -> 3x3 output; unit 0 centred on pixel 0, units 2 px apart
    assert receptive_field([LayerSpec("conv", 3, 2, 1)]) == [RFInfo(3, 2, 0)]


def test_vgg16_trunk_by_hand():
    # hand-derived: block b adds (convs × 2 × jump), its 2x2/2 pool adds one jump and doubles it
    specs = _trunk_specs(get("vgg16", image_size=32))
    infos = receptive_field([s for _, s in specs])
    at_pools = [
        (i.receptive_field, i.jump, i.start)
        for (m, _), i in zip(specs, infos, strict=True)
        if isinstance(m, torch.nn.MaxPool2d)
    ]
    half = sympy.Rational(1, 2)
    assert at_pools == [
        (6, 2, half),  # 1 + 2 + 2 = 5, pool +1
        (16, 4, 1 + half),  # 6 + 2·2 + 2·2 = 14, pool +2
        (44, 8, 3 + half),  # 16 + 3·2·4 = 40, pool +4
        (100, 16, 7 + half),  # 44 + 3·2·8 = 92, pool +8
        (212, 32, 15 + half),  # 100 + 3·2·16 = 196, pool +16
    ]


def test_alexnet_trunks_by_hand():
    # C1 11/4 -> 11 (j 4); pool 3/2 -> 11 + 2·4 = 19 (j 8); C2 5 -> 19 + 4·8 = 51; pool -> 67 (j 16);
    # C3-C5 3x3 -> 67 + 3·2·16 = 163; pool -> 195 (j 32). Same for both layouts; start: the 2-GPU C1
    # (no padding) centres unit 0 on pixel 5, torchvision's (padding 2) on 3; each pool adds one jump.
    for name, image_size, starts in (
        ("alexnet_2gpu", 227, [9, 17, 33]),
        ("alexnet", None, [7, 15, 31]),
    ):
        model = get(name, image_size=image_size) if image_size else get(name)
        specs = _trunk_specs(model)
        infos = receptive_field([s for _, s in specs])
        at_pools = [
            (i.receptive_field, i.jump, i.start)
            for (m, _), i in zip(specs, infos, strict=True)
            if isinstance(m, torch.nn.MaxPool2d)
        ]
        assert at_pools == [(19, 8, starts[0]), (67, 16, starts[1]), (195, 32, starts[2])], name


def _empirical_field(trunk: list[torch.nn.Module], size: int) -> tuple[list[int], list[int], int]:
    """Rows of the input that reach the centre output unit, found by its gradient; and the unit index."""
    layers = []
    for (
        m
    ) in trunk:  # one channel, all-ones kernels and average pools: every path has positive weight
        if isinstance(m, torch.nn.Conv2d):
            layers.append(
                torch.nn.Conv2d(1, 1, m.kernel_size, m.stride, m.padding, m.dilation, bias=False)
            )
            torch.nn.init.ones_(layers[-1].weight)
        elif isinstance(m, torch.nn.MaxPool2d):
            layers.append(torch.nn.AvgPool2d(m.kernel_size, m.stride, m.padding))
    net = torch.nn.Sequential(*layers).double()
    x = torch.ones(1, 1, size, size, dtype=torch.double, requires_grad=True)
    y = net(x)
    centre = y.shape[-1] // 2
    y[0, 0, centre, centre].backward()
    rows = (x.grad[0, 0].abs().sum(dim=1) > 0).nonzero().flatten().tolist()
    cols = (x.grad[0, 0].abs().sum(dim=0) > 0).nonzero().flatten().tolist()
    return rows, cols, centre


@pytest.mark.parametrize("name, size", [("vgg16", 224), ("alexnet_2gpu", 227), ("alexnet", 232)])
def test_gradient_is_nonzero_exactly_inside_the_field(name, size):
    model = get(name, image_size=32) if name == "vgg16" else get(name)
    specs = _trunk_specs(model)
    info = receptive_field([s for _, s in specs])[-1]
    rows, cols, centre = _empirical_field([m for m, _ in specs], size)
    centre_px = info.start + centre * info.jump
    low, high = (
        centre_px - sympy.Rational(info.receptive_field - 1, 2),
        centre_px + sympy.Rational(info.receptive_field - 1, 2),
    )
    expected = list(range(max(0, int(low)), min(size - 1, int(high)) + 1))
    assert rows == cols == expected
    assert low >= 0 and high <= size - 1  # the field lies inside the image, so nothing was clipped


def test_summary_receptive_fields_match_the_recurrence_on_vgg16():
    model = get("vgg16", image_size=32, num_classes=10)
    df = summarize(model, (1, 3, 32, 32))
    pools = df[df["type"] == "max_pool2d"]
    assert list(pools["receptive_field"]) == [6, 16, 44, 100, 212]
    assert list(pools["jump"]) == [2, 4, 8, 16, 32]
    assert list(pools["start"]) == [0.5, 1.5, 3.5, 7.5, 15.5]


def test_tuple_geometry_per_dimension():
    infos = receptive_field(
        [LayerSpec("conv", (3, 5), (1, 2), ((1, 1), (0, 0))), LayerSpec("pool", (2, 2))]
    )
    assert infos[0] == RFInfo((3, 5), (1, 2), (0, 2))
    assert infos[1] == RFInfo((4, 7), (2, 4), (sympy.Rational(1, 2), 3))


def test_symbolic_recurrence():
    k, s = sympy.symbols("k s", positive=True, integer=True)
    info = receptive_field([LayerSpec("conv", k, s), LayerSpec("conv", k, s)])[-1]
    assert sympy.expand(info.receptive_field - (k + (k - 1) * s)) == 0
    assert info.jump == s**2


def test_union_takes_the_larger_path():
    assert rf_union([RFInfo(3, 1, 0), RFInfo(7, 1, 0), RFInfo(5, 2, 0)]) == RFInfo(7, 2, 0)
    assert rf_union([RFInfo(3, 1, 0), RFInfo(3, 1, 2)]) == RFInfo(
        5, 1, 1
    )  # offset centres: span 0-1 .. 2+1


def test_transposed_step_against_a_real_layer():
    # a 4x4/2 transposed conv (p=1): each output reads at most 2 inputs, spaced half an output apart
    info = rf_transposed_step(RFInfo(1, 1, 0), 4, stride=2, padding=1)
    layer = torch.nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1, bias=False).double()
    torch.nn.init.ones_(layer.weight)
    reach = 0
    for o in range(2, 10):
        x = torch.ones(1, 1, 8, 8, dtype=torch.double, requires_grad=True)
        layer(x)[0, 0, o, 4].backward()
        rows = (x.grad[0, 0].abs().sum(dim=1) > 0).nonzero().flatten()
        reach = max(reach, int(rows[-1] - rows[0]) + 1)
    assert info.receptive_field == reach == 2
    assert info.jump == sympy.Rational(1, 2)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: LayerSpec("convolution", 3), "kind must be one of"),
        (lambda: receptive_field([(3, 1)]), "layers must hold LayerSpec"),
        (
            lambda: receptive_field([LayerSpec("conv", (3, 3), stride=(1, 1, 1))]),
            "must have 3 entries",
        ),
        (lambda: rf_step(RFInfo(1, 1, 0), 0), "kernel_size must be >= 1"),
        (lambda: rf_union([]), "at least one"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


layers_2d = st.lists(
    st.tuples(
        st.sampled_from(["conv", "avg_pool", "max_pool"]),
        st.tuples(st.integers(1, 4), st.integers(1, 4)),  # kernel (kH, kW)
        st.tuples(st.integers(1, 2), st.integers(1, 3)),  # stride
        st.integers(0, 1),  # padding (at most half the kernel for pools)
        st.tuples(st.integers(1, 2), st.integers(1, 2)),  # dilation (conv only)
    ),
    min_size=1,
    max_size=3,
)


def _torch_layer(kind, kernel, stride, padding, dilation):  # noqa: ANN001, ANN202
    padding = min(padding, min(kernel) // 2)
    if kind == "conv":
        conv = torch.nn.Conv2d(1, 1, kernel, stride, padding, dilation, bias=False)
        torch.nn.init.ones_(conv.weight)
        return conv
    pool = torch.nn.AvgPool2d if kind == "avg_pool" else torch.nn.MaxPool2d
    return pool(kernel, stride, padding)


def _fits(net: torch.nn.Sequential, sizes: tuple[int, int]) -> bool:
    """Whether every window fits its (padded) input, by sizes.py."""
    for m in net:
        pair = lambda v: v if isinstance(v, tuple) else (v, v)  # noqa: E731
        k, s, p = pair(m.kernel_size), pair(m.stride), pair(m.padding)
        d = pair(getattr(m, "dilation", 1))
        try:
            if isinstance(m, torch.nn.Conv2d):
                sizes = tuple(
                    conv_output_size(n, *args) for n, *args in zip(sizes, k, s, p, d, strict=True)
                )
            else:
                sizes = tuple(
                    pool_output_size(n, *args) for n, *args in zip(sizes, k, s, p, d, strict=True)
                )
        except ValueError:
            return False
    return True


@settings(max_examples=25, deadline=None)
@given(specs=layers_2d)
def test_summary_field_matches_the_gradient_span(specs):
    net = torch.nn.Sequential(*(_torch_layer(*s) for s in specs)).double()
    assume(_fits(net, (48, 40)))
    x = torch.rand(1, 1, 48, 40, dtype=torch.double, requires_grad=True)  # max pool: ties unlikely
    y = net(x)
    row = summarize(net, (1, 1, 48, 40)).iloc[-1]
    i, j = y.shape[-2] // 2, y.shape[-1] // 2
    y[0, 0, i, j].backward()
    for dim, unit, size in ((0, i, 48), (1, j, 40)):
        r, jump, start = (
            v if isinstance(v, tuple) else (v, v)
            for v in (row["receptive_field"], row["jump"], row["start"])
        )
        centre = start[dim] + unit * jump[dim]
        low, high = centre - (r[dim] - 1) / 2, centre + (r[dim] - 1) / 2
        hits = (x.grad[0, 0].abs().sum(dim=1 - dim) > 0).nonzero().flatten()
        first, last = int(hits.min()), int(hits.max())
        assert max(low, 0) <= first and last <= min(high, size - 1)
        if not any(isinstance(m, torch.nn.MaxPool2d) for m in net):
            # a max pool passes one element per window, so only the bounds above hold for it. Without
            # one, an end of the field that lies on the input is reached exactly; an end hanging over
            # the edge reaches only padding, or elements that a floor-mode layer left unused
            assert low < 0 or first == low
            assert high > size - 1 or last == high
