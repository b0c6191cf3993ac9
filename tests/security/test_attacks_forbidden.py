"""Attacks that use forbidden APIs in disguise: each must end as ``forbidden``, statically or at run time.

Each submission is a conv2d that reaches torch's own convolution (or our packages) some other way:
aliases, computed names, aten ops, a ``nn.Conv2d`` with copied weights, ``exec`` of encoded source.
"""

from __future__ import annotations

from security_harness import attack, passes


def test_importing_our_packages_is_forbidden() -> None:
    for module in (
        "reference",
        "reference.conv",
        "solutions",
        "grader.sandbox",
        "cnngrade",
        "cnngrade.reference.conv",
    ):
        report = attack(
            f"import importlib\nimportlib.import_module({module!r})\n"
            "def conv2d(x, w):\n    return x\n"
        )
        assert report.results[0].status == "forbidden", module
        assert f"uses the module {module.split('.')[0]}" in report.load_error


def test_getattr_with_a_computed_name_is_caught_at_run_time() -> None:
    report = attack(
        "import torch\nimport torch.nn.functional as F\n"
        "def conv2d(x, w):\n    f = getattr(F, 'con' + 'v2d')\n"
        "    return f(torch.from_numpy(x), torch.from_numpy(w))\n"
    )
    assert report.static_violations == ()
    assert report.results[0].status == "forbidden"
    assert (
        report.results[0].message == "uses torch.nn.functional.conv2d, which this exercise forbids"
    )


def test_aten_op_is_caught_statically_and_at_run_time() -> None:
    report = attack(
        "import torch\ndef conv2d(x, w):\n    t, k = torch.from_numpy(x), torch.from_numpy(w)\n"
        "    return torch.ops.aten.convolution(t, k, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)\n"
    )
    assert report.static_violations and "torch.ops.aten.convolution" in report.static_violations[0]
    assert (
        report.results[0].status == "forbidden" and "aten.convolution" in report.results[0].message
    )


def test_unpatched_builtin_path_is_caught_by_the_dispatch_guard() -> None:
    report = attack(
        "import torch\ndef conv2d(x, w):\n"
        "    return torch._C._VariableFunctions.conv2d(torch.from_numpy(x), torch.from_numpy(w))\n"
    )
    assert report.results[0].status == "forbidden" and "forbids" in report.results[0].message


def test_conv2d_module_with_copied_weights_is_forbidden() -> None:
    report = attack(
        "import torch\nfrom torch import nn\ndef conv2d(x, w):\n"
        "    layer = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2:], bias=False).double()\n"
        "    layer.weight.data.copy_(torch.from_numpy(w))\n"
        "    return layer(torch.from_numpy(x)).detach()\n"
    )
    assert report.results[0].status == "forbidden"
    assert report.static_violations and "torch.nn.Conv2d" in report.static_violations[0]


def test_exec_of_encoded_source_is_caught_at_run_time() -> None:
    import base64

    hidden = base64.b64encode(b"import torch.nn.functional as F\nconv = F.conv2d\n").decode()
    report = attack(
        "import base64, torch\nns = {}\n"
        f"exec(base64.b64decode({hidden!r}).decode(), ns)\n"
        "def conv2d(x, w):\n    return ns['conv'](torch.from_numpy(x), torch.from_numpy(w))\n"
    )
    assert report.static_violations == () and report.results[0].status == "forbidden"


def test_scipy_signal_is_refused_even_if_installed() -> None:
    report = attack("from scipy import signal\ndef conv2d(x, w):\n    return x\n")
    assert report.results[0].status == "forbidden" and "scipy.signal" in report.static_violations[0]
    assert not passes(report)
