"""summarize() on every registered model agrees, row by row, with sizes.py and counts.py (part 2)."""

from __future__ import annotations

import pytest

from cnngrade.reference.analysis import summarize
from cnngrade.reference.models import get, names

FAMILIES = ("lenet", "alexnet", "vgg", "nin", "googlenet")


@pytest.mark.parametrize("name", [n for n in names() if not n.startswith(FAMILIES)])
def test_summary_rows_agree_with_the_formulas(name, summary_check):
    summary_check(name)


def test_resnet50_full_size_totals():
    # torchvision documents ResNet-50 at 4.09 GFLOPS (multiply-accumulates of convolutions and FC)
    df = summarize(get("resnet50"), (1, 3, 224, 224))
    weighted = df[df["type"].isin(["conv2d", "linear"])]["macs"].sum()
    assert round(weighted / 1e9, 2) == 4.09
    assert df.attrs["totals"]["parameters"] == 25_557_032
    last = df.iloc[-1]
    assert last["output_shape"] == (1, 1000)
    # the stem and each stage's last row: 224 → 112 → 56, then 56 → 28 → 14 → 7 at 256 … 2048 channels
    by_name = df.set_index("name")["output_shape"]
    assert [by_name[n] for n in ("0", "3")] == [(1, 64, 112, 112), (1, 64, 56, 56)]
    stage_ends = [
        df[df["name"].str.startswith(f"{i}.")].iloc[-1]["output_shape"] for i in (4, 5, 6, 7)
    ]
    assert stage_ends == [(1, 256, 56, 56), (1, 512, 28, 28), (1, 1024, 14, 14), (1, 2048, 7, 7)]
