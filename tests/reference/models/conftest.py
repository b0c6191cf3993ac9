"""Shared check for the zoo summary tests: summarize() rows against sizes.py and counts.py."""

from __future__ import annotations

import pytest
import torch

import cnngrade.reference.nn as rnn
from cnngrade.reference.analysis import (
    avg_pool_macs,
    batch_norm_macs,
    batch_norm_params,
    conv_macs,
    conv_output_size,
    conv_params,
    linear_macs,
    linear_params,
    pool_output_size,
    summarize,
)
from cnngrade.reference.models import get

# small inputs keep this fast: (build options, input shape)
SMALL = {
    "lenet5": ({}, (2, 1, 28, 28)),
    "lenet5_1998": ({}, (2, 1, 32, 32)),
    "alexnet": ({}, (1, 3, 63, 63)),
    "alexnet_2gpu": ({"image_size": 67}, (1, 3, 67, 67)),
    "nin": ({}, (1, 1, 96, 96)),
    "googlenet": ({"image_size": 64}, (1, 3, 64, 64)),
    "shufflenet_v1": ({}, (1, 3, 32, 32)),
}


def _case(name: str) -> tuple[dict, tuple[int, ...]]:
    if name in SMALL:
        return SMALL[name]
    if name.startswith("vgg"):
        return {"image_size": 32, "num_classes": 10}, (1, 3, 32, 32)
    return {"num_classes": 10}, (1, 3, 32, 32)


def _expected(
    module: torch.nn.Module, x: tuple[int, ...], y: tuple[int, ...]
) -> tuple[tuple, int, int]:
    """(output spatial, parameters, MACs) by the formulas, from the module's own hyper-parameters."""
    n = x[0]
    if isinstance(module, rnn.Conv2d):
        spatial = tuple(
            conv_output_size(size, k, s, p, d)
            for size, k, s, p, d in zip(
                x[2:],
                module.kernel_size,
                module.stride,
                module.padding,
                module.dilation,
                strict=True,
            )
        )
        params = conv_params(
            module.in_channels,
            module.out_channels,
            module.kernel_size,
            module.groups,
            module.bias is not None,
        )
        macs = (
            conv_macs(
                module.in_channels, module.out_channels, module.kernel_size, spatial, module.groups
            )
            * n
        )
        return spatial, params, macs
    if isinstance(module, (rnn.MaxPool2d, rnn.AvgPool2d)):
        k, s, p = (module.kernel_size, module.stride, module.padding)
        spatial = tuple(
            pool_output_size(size, k, s, p, ceil_mode=module.ceil_mode) for size in x[2:]
        )
        macs = avg_pool_macs(x[1], (k, k), spatial) * n if isinstance(module, rnn.AvgPool2d) else 0
        return spatial, 0, macs
    if isinstance(module, rnn.Linear):
        params = linear_params(module.in_features, module.out_features, module.bias is not None)
        return y[1:], params, linear_macs(module.in_features, module.out_features, rows=n)
    if isinstance(module, rnn.BatchNorm2d):
        return (
            x[2:],
            batch_norm_params(module.num_features),
            batch_norm_macs(module.num_features, x[2:]) * n,
        )
    return y[2:], 0, 0


def check_summary(name: str) -> None:
    """Summarize registered model ``name`` on a small input; every row must match the formulas."""
    opts, shape = _case(name)
    model = get(name, **opts)
    df = summarize(model, shape)
    modules = dict(model.named_modules())
    assert len(df) >= sum(1 for m in model.modules() if next(m.children(), None) is None)
    for row in df.itertuples():
        module = modules[row.name]
        spatial, params, macs = _expected(module, row.input_shape, row.output_shape)
        where = f"{name} row {row.name} ({row.module})"
        assert tuple(row.output_shape[2:]) == tuple(spatial) or len(row.output_shape) == 2, where
        assert row.parameters == params, where
        assert row.macs == macs or isinstance(module, rnn.AdaptiveAvgPool2d), where
        if isinstance(module, rnn.Conv2d):
            assert row.type == "conv2d", where
    totals = df.attrs["totals"]
    declared = sum(p.numel() for p in model.parameters())
    assert totals["parameters"] == totals["declared_parameters"] == declared
    assert totals["output_shape"][0] == shape[0]


@pytest.fixture
def summary_check():
    """The row-by-row check, as a fixture so both zoo summary test files share it."""
    return check_summary
