"""summarize(): traced from what the forward pass ran, for reference and plain torch.nn modules."""

from __future__ import annotations

import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import cnngrade.reference.nn as rnn
from cnngrade.reference.analysis import counts, summarize
from cnngrade.reference.models import DenseBlock, Inception, Residual, lenet5


class Sneaky(nn.Module):
    """A student module whose names and attributes lie about what it does."""

    def __init__(self) -> None:
        super().__init__()
        self.pool = nn.Conv2d(3, 8, 3, stride=2, padding=1)  # called "pool", is a convolution
        self.fc = nn.MaxPool2d(2)  # called "fc", is a pooling layer
        self.unused = nn.Linear(1000, 1000)  # declared, never run
        self.kernel_size = 99  # a decoy attribute
        self.head = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.pool(x))
        x = self.fc(x)
        x = F.avg_pool2d(x, 2)  # functional, outside any leaf module
        return self.head(torch.flatten(x, 1))


def test_student_module_is_summarized_by_what_ran():
    df = summarize(Sneaky(), (2, 3, 32, 32))
    assert list(df["name"]) == ["pool", "relu()", "fc", "avg_pool2d()", "head"]
    assert list(df["type"]) == ["conv2d", "relu", "max_pool2d", "avg_pool2d", "linear"]
    assert list(df["output_shape"]) == [
        (2, 8, 16, 16),
        (2, 8, 16, 16),
        (2, 8, 8, 8),
        (2, 8, 4, 4),
        (2, 10),
    ]
    assert list(df["parameters"]) == [8 * 27 + 8, 0, 0, 0, 128 * 10 + 10]
    assert df["macs"][0] == 2 * counts.conv_macs(3, 8, (3, 3), (16, 16))
    assert df["macs"][3] == 2 * counts.avg_pool_macs(8, (2, 2), (4, 4))
    # conv 3/2 p1: r 3, j 2, start 0; max pool 2: r 5, j 4, start 1; avg pool 2: r 9, j 8, start 3
    assert list(df["receptive_field"][:4]) == [3, 3, 5, 9]
    assert list(df["jump"][:4]) == [2, 2, 4, 8]
    assert list(df["start"][:4]) == [0, 0, 1, 3]
    totals = df.attrs["totals"]
    assert totals["parameters"] == 224 + 1290
    assert totals["declared_parameters"] == 224 + 1290 + 1_001_000


def test_reference_model_and_torch_twin_summarize_alike():
    ours = lenet5()
    twin = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.Sigmoid(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.Sigmoid(),
        nn.Linear(120, 84),
        nn.Sigmoid(),
        nn.Linear(84, 10),
    )
    a, b = summarize(ours, (1, 1, 28, 28)), summarize(twin, (1, 1, 28, 28))
    columns = [
        "name",
        "type",
        "input_shape",
        "output_shape",
        "parameters",
        "macs",
        "receptive_field",
        "jump",
        "start",
    ]
    pd.testing.assert_frame_equal(a[columns], b[columns])


class TwoPaths(nn.Module):
    """A 3×3 path and a 5×5 path concatenated, then a residual 3×3 → 3×3 added to the input."""

    def __init__(self) -> None:
        super().__init__()
        self.small = nn.Conv2d(2, 2, 3, padding=1)
        self.large = nn.Conv2d(2, 2, 5, padding=2)
        self.a = nn.Conv2d(4, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 4, 3, padding=1)
        self.mix = nn.Conv2d(4, 4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.cat([self.small(x), self.large(x)], dim=1)
        y = y + self.b(self.a(y))
        return self.mix(y)


def test_branches_join_by_the_largest_field():
    df = summarize(TwoPaths(), (1, 2, 12, 12)).set_index("name")
    assert df.loc["small", "receptive_field"] == 3 and df.loc["large", "receptive_field"] == 5
    assert df.loc["a", "receptive_field"] == 7 and df.loc["b", "receptive_field"] == 9
    assert df.loc["mix", "receptive_field"] == 9  # max(5 through the shortcut, 9 through a and b)


def test_inception_field_is_its_widest_branch():
    net = nn.Sequential(Inception(8, 4, (4, 4), (2, 4), 4), rnn.Conv2d(16, 2, 1))
    df = summarize(net, (1, 8, 9, 9))
    assert df.iloc[-1]["receptive_field"] == 5  # the 1×1 → 5×5 branch
    assert df.iloc[-1]["input_shape"] == (1, 16, 9, 9)


def test_dense_block_layers_see_all_earlier_layers():
    block = DenseBlock(3, in_channels=4, growth_rate=2, bn_size=None)
    df = summarize(block, (1, 4, 9, 9))
    convs = df[df["type"] == "conv2d"]
    assert list(convs["receptive_field"]) == [3, 5, 7]
    assert [shape[1] for shape in convs["input_shape"]] == [4, 6, 8]


def test_residual_block_and_shared_parameters_counted_once():
    class Shared(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(4, 4, 3, padding=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv(self.conv(x))

    df = summarize(Shared(), (1, 4, 6, 6))
    assert list(df["parameters"]) == [148, 148]
    assert df.attrs["totals"]["parameters"] == 148
    assert list(df["receptive_field"]) == [3, 5]
    res = summarize(Residual(4, 8, stride=2, use_1x1conv=True), (1, 4, 8, 8))
    assert res.attrs["totals"]["parameters"] == sum(
        p.numel() for p in Residual(4, 8, 2, True).parameters()
    )


def test_training_mode_and_statistics_are_left_alone():
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5))
    net.train()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    summarize(net, (2, 3, 8, 8))
    assert net.training and all(m.training for m in net.modules())
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in net.modules())


def test_transposed_and_recurrent_layers():
    net = nn.Sequential(nn.ConvTranspose2d(3, 4, 4, stride=2, padding=1))
    row = summarize(net, (1, 3, 5, 5)).iloc[0]
    assert row["output_shape"] == (1, 4, 10, 10)
    assert row["parameters"] == counts.conv_transpose_params(3, 4, (4, 4))
    assert row["macs"] == counts.conv_transpose_macs(3, 4, (4, 4), (5, 5))
    assert (row["receptive_field"], row["jump"]) == (2, 0.5)

    class Cells(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTMCell(5, 7)
            self.gru = rnn.GRUCell(7, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h, _ = self.lstm(x)
            return self.gru(h)

    df = summarize(Cells(), (2, 5))
    assert list(df["parameters"]) == [counts.lstm_params(5, 7), counts.gru_params(7, 3)]
    assert list(df["macs"]) == [
        2 * counts.recurrent_macs("lstm", 5, 7),
        2 * counts.recurrent_macs("gru", 7, 3),
    ]
    assert df["receptive_field"].isna().all()  # no spatial input, no receptive field


def test_hand_written_linear_layer():
    class HandLinear(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = nn.Parameter(torch.zeros(6, 4))
            self.b = nn.Parameter(torch.zeros(4))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x @ self.w + self.b

    df = summarize(HandLinear(), (3, 6))
    assert df.loc[0, "parameters"] == counts.linear_params(6, 4)
    assert df.loc[0, "macs"] == counts.linear_macs(6, 4, rows=3)


def test_explicit_padding_moves_the_start_like_conv_padding():
    padded = summarize(nn.Sequential(nn.ZeroPad2d(2), nn.Conv2d(1, 1, 3)), (1, 1, 8, 8)).iloc[-1]
    inline = summarize(nn.Sequential(nn.Conv2d(1, 1, 3, padding=2)), (1, 1, 8, 8)).iloc[-1]
    assert (padded["receptive_field"], padded["jump"], padded["start"]) == (3, 1, -1)
    assert (inline["receptive_field"], inline["jump"], inline["start"]) == (3, 1, -1)
    assert padded["output_shape"] == inline["output_shape"] == (1, 1, 10, 10)


def test_upsampling_and_unpooling():
    net = nn.Sequential(
        nn.Conv2d(1, 1, 3, padding=1),
        nn.Upsample(scale_factor=2, mode="bilinear"),
        nn.Upsample(scale_factor=2),
    )
    df = summarize(net, (1, 1, 8, 8))
    # bilinear reads 2 neighbours: r 3 -> 4, and halves the jump; nearest reads 1: r stays, jump halves
    assert list(df["receptive_field"]) == [3, 4, 4]
    assert list(df["jump"]) == [1, 0.5, 0.25]
    assert list(df["output_shape"])[-1] == (1, 1, 32, 32)

    class PoolUnpool(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y, indices = F.max_pool2d(x, 2, return_indices=True)
            return F.max_unpool2d(y, indices, 2)

    row = summarize(PoolUnpool(), (1, 1, 8, 8)).iloc[0]
    assert row["type"] == "max_pool2d+max_unpool2d"
    assert (row["receptive_field"], row["jump"], row["output_shape"]) == (2, 1, (1, 1, 8, 8))


def test_depthwise_separable_reference_layer():
    layer = rnn.DepthwiseSeparableConv2d(4, 6, 3, padding=1)
    df = summarize(nn.Sequential(layer), (1, 4, 5, 5))
    assert df["macs"].sum() == counts.depthwise_separable_macs(4, 6, (3, 3), (5, 5))
    assert df.attrs["totals"]["parameters"] == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("shape", [(), (1, 0, 4, 4), (1, 3.5, 4, 4), "1,3,4,4", None])
def test_bad_input_shape(shape):
    with pytest.raises(ValueError, match="input_shape must"):
        summarize(nn.Conv2d(3, 1, 1), shape)


@pytest.mark.gpu
def test_summary_on_cuda():
    df = summarize(lenet5(), (1, 1, 28, 28), device="cuda")
    assert df.attrs["totals"]["parameters"] == 61_706
