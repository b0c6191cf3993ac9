"""summarize() on every registered model agrees, row by row, with sizes.py and counts.py (part 1)."""

from __future__ import annotations

import pytest

from cnngrade.reference.models import names

FAMILIES = ("lenet", "alexnet", "vgg", "nin", "googlenet")


@pytest.mark.parametrize("name", [n for n in names() if n.startswith(FAMILIES)])
def test_summary_rows_agree_with_the_formulas(name, summary_check):
    summary_check(name)
