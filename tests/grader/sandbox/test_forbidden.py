"""The static half of refusing forbidden APIs: aliasing the scan must follow, and what stays clean."""

from __future__ import annotations

import pytest

from cnngrade.grader.sandbox import Forbidden, static_scan

CONV = Forbidden(
    names=("torch.nn.functional.conv2d", "torch.nn.Conv2d"),
    modules=("scipy.signal",),
    aten_ops=("convolution",),
)


@pytest.mark.parametrize(
    "source",
    [
        "import torch.nn.functional as F\nF.conv2d(x, w)\n",
        "from torch.nn.functional import conv2d as c\nc(x, w)\n",
        "from torch.nn import functional\nfunctional.conv2d(x, w)\n",
        "import torch\ntorch.nn.functional.conv2d(x, w)\n",
        "import torch\ntorch.conv2d(x, w)\n",
        "import torch.nn.functional as F\ng = getattr(F, 'conv2d')\n",
        "import torch.nn.functional as F\nh = F\nh.conv2d(x, w)\n",
        "import torch\ntorch.ops.aten.convolution.default(x)\n",
        "import torch\nop = torch.ops.aten\nop.convolution(x)\n",
        "from torch import nn\nlayer = nn.Conv2d(1, 1, 3)\n",
        "import scipy.signal\n",
        "from scipy import signal\n",
        "from scipy.signal import correlate2d\n",
        "import importlib\nm = importlib.import_module('scipy.signal')\n",
        "m = __import__('scipy.signal')\n",
    ],
)
def test_static_scan_follows_aliases(source: str) -> None:
    found = static_scan(source, CONV)
    assert found, source
    assert all(
        msg.endswith("which this exercise forbids") and msg.startswith("line ") for msg in found
    )


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np\ndef conv2d(x, w):\n    return np.zeros(3)\n",
        "import torch\nx = torch.zeros(3)\nconv2d = 3\n",
        "def f(F):\n    return F.relu(3)\n",
        "import torch.nn.functional as F\nF.relu(x)\n",
        "import scipy\n",
    ],
)
def test_static_scan_leaves_clean_code_alone(source: str) -> None:
    assert static_scan(source, CONV) == ()


def test_static_scan_reports_line_and_name() -> None:
    src = "import numpy as np\n\nfrom torch.nn.functional import conv2d\n"
    assert static_scan(src, CONV) == (
        "line 3: uses torch.nn.functional.conv2d, which this exercise forbids",
    )


def test_static_scan_of_unparsable_source_is_empty() -> None:
    assert static_scan("def f(:\n", CONV) == ()


def test_forbidden_validates_and_expands() -> None:
    with pytest.raises(ValueError, match="Forbidden.names"):
        Forbidden(names="torch.conv2d")
    with pytest.raises(ValueError, match="Forbidden.aten_ops"):
        Forbidden(aten_ops=("",))
    assert "torch.conv2d" in CONV.all_names()
    assert CONV.to_json()["modules"] == ["scipy.signal"]
    with pytest.raises(ValueError, match="source="):
        static_scan(b"import torch", CONV)
