"""Multiply-accumulates of the zoo at 224×224 against the published numbers (conv + FC only)."""

from __future__ import annotations

import pytest
import torch

from cnngrade.reference.analysis.summary import summarize
from cnngrade.reference.models import get

# torchvision's model table ("GFLOPS", which counts conv and linear multiply-accumulates at
# 1×3×224×224), https://pytorch.org/vision/stable/models.html — for the models whose layout is
# torchvision's layout. MobileNet v1: Howard et al. 2017, Table 8 (1.0 MobileNet-224: 569 million
# mult-adds, 4.2 million parameters).
PUBLISHED_GMACS = {
    "alexnet": 0.71,
    "vgg11": 7.61,
    "vgg13": 11.31,
    "vgg16": 15.47,
    "vgg19": 19.63,
    "resnet18": 1.81,
    "resnet34": 3.66,
    "resnet50": 4.09,
    "resnet101": 7.80,
    "resnet152": 11.51,
    "densenet121": 2.83,
    "densenet161": 7.73,
    "densenet169": 3.36,
    "densenet201": 4.29,
}


def _totals(name: str) -> dict:
    """Built and traced on the meta device: shapes and counts without allocating or initializing."""
    with torch.device("meta"):
        model = get(name)
    return summarize(model, (1, 3, 224, 224), device="meta").attrs["totals"]


@pytest.mark.parametrize("name", sorted(PUBLISHED_GMACS))
def test_conv_and_linear_macs_match_the_published_table(name):
    totals = _totals(name)
    assert round(totals["macs_conv_linear"] / 1e9, 2) == PUBLISHED_GMACS[name]
    assert totals["macs"] >= totals["macs_conv_linear"]  # batch norm and pooling come on top


def test_mobilenet_v1_matches_the_paper():
    totals = _totals("mobilenet_v1")
    assert round(totals["macs_conv_linear"] / 1e6) == 569
    assert round(totals["parameters"] / 1e5) == 42
