"""The sandbox API end to end: statuses, outputs, tracebacks, probes, and the parent's safe loading."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnngrade.grader.sandbox import Call, Forbidden, Limits, ModuleProbe, probe_isolation, run
from cnngrade.grader.sandbox.run import _load_output

X = np.arange(12.0).reshape(3, 4)
FAST = Limits(wall_s_per_call=3.0, wall_s_total=10.0, memory_mb=512)


def test_ok_outputs_are_plain_arrays_in_call_order() -> None:
    src = "import numpy as np\ndef f(x, k=1):\n    return x * k\n"
    report = run(src, "f", [Call((X,)), Call((X,), {"k": 3}), Call((X[:1],), backend="torch")])
    assert [r.status for r in report.results] == ["ok", "ok", "ok"]
    np.testing.assert_array_equal(report.results[1].outputs[0], X * 3)
    assert all(type(r.outputs[0]) is np.ndarray for r in report.results)
    assert report.isolation == probe_isolation()


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("return [[1, 2], [3, 4]]", "ok", ""),
        ("return torch.ones(2, dtype=torch.float16)", "ok", ""),
        ("return None", "invalid_output", "forget `return`"),
        ("return 'abc'", "invalid_output", "str object"),
        ("return [[1, 2], [3]]", "invalid_output", "ragged"),
        ("return np.array([object()])", "invalid_output", "dtype object"),
    ],
)
def test_output_conversion(body: str, status: str, message: str) -> None:
    src = f"import numpy as np\nimport torch\ndef f(x):\n    {body}\n"
    result = run(src, "f", [Call((X,))]).results[0]
    assert result.status == status
    assert message in result.message


def test_several_outputs_and_wrong_count() -> None:
    src = "def f(x):\n    return x, x + 1, 2.0\n"
    good, bad = run(src, "f", [Call((X,), outputs=3), Call((X,), outputs=2)]).results
    assert good.ok and len(good.outputs) == 3 and float(good.outputs[2]) == 2.0
    assert bad.status == "invalid_output" and "tuple of 2 arrays" in bad.message


def test_traceback_is_trimmed_to_student_frames() -> None:
    src = "import numpy as np\n\ndef helper(x):\n    return x[10]\n\ndef f(x):\n    return helper(x)\n"
    result = run(src, "f", [Call((X,))], filename="conv.py").results[0]
    assert result.status == "exception"
    assert result.message.startswith("raised IndexError at line 4")
    assert 'File "conv.py", line 7' in result.traceback and "line 4" in result.traceback
    assert "grader" not in result.traceback and "runtime" not in result.traceback


def test_mutation_is_reported_by_argument_name_even_with_right_output() -> None:
    src = "def f(x, w):\n    y = x * 2\n    w += 0.5\n    return y\n"
    result = run(src, "f", [Call((X, np.ones(3)))]).results[0]
    assert result.status == "mutated_input" and result.mutated == ("w",)
    assert "w" in result.message and "in place" in result.message
    np.testing.assert_array_equal(result.outputs[0], X * 2)


def test_a_call_that_times_out_does_not_cost_the_next_ones() -> None:
    src = "def f(x, loop):\n    while loop:\n        pass\n    return x\n"
    report = run(
        src,
        "f",
        [Call((X, False)), Call((X, True)), Call((X, False))],
        limits=Limits(wall_s_per_call=1.0, wall_s_total=10.0),
    )
    assert [r.status for r in report.results] == ["ok", "timeout", "ok"]
    assert "timed out after 1.0 s" in report.results[1].message


def test_load_errors_fail_every_call_with_the_reason() -> None:
    report = run("def f(x:\n", "f", [Call((X,)), Call((X,))])
    assert all(r.status == "exception" for r in report.results)
    assert "SyntaxError" in report.load_error
    missing = run("def g(x):\n    return x\n", "f", [Call((X,))])
    assert "does not define 'f'" in missing.load_error


def test_runtime_forbidden_and_static_violations() -> None:
    fb = Forbidden(names=("torch.nn.functional.conv2d",), aten_ops=("convolution",))
    src = (
        "import torch\nimport torch.nn.functional as F\ndef f(x):\n"
        "    t = torch.from_numpy(x)[None, None]\n    return F.conv2d(t, torch.ones(1, 1, 2, 2, dtype=t.dtype))\n"
    )
    report = run(src, "f", [Call((X,))], forbidden=fb)
    assert report.results[0].status == "forbidden"
    assert (
        report.results[0].message == "uses torch.nn.functional.conv2d, which this exercise forbids"
    )
    assert report.static_violations == (
        "line 5: uses torch.nn.functional.conv2d, which this exercise forbids",
    )
    allowed = run(src, "f", [Call((X,))])
    assert allowed.results[0].ok and allowed.results[0].outputs[0].shape == (1, 1, 2, 3)


def test_stdout_and_stderr_are_captured_and_capped() -> None:
    src = "import sys\ndef f(x):\n    print('hello' * 100)\n    print('oops', file=sys.stderr)\n    return x\n"
    report = run(src, "f", [Call((X,))], limits=Limits(max_stdout_bytes=100))
    assert report.stdout.startswith("hello") and report.stdout.endswith("[... output truncated]")
    assert report.stderr == "oops\n"


RESIDUAL = """
import torch
from torch import nn
from torch.nn import functional as F

class Block(nn.Module):
    def __init__(self, c, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, stride=stride)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(c)
        self.head = nn.Linear(c, 2)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + x)
"""


def test_module_probe_structure_and_behaviour() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 5)).astype(np.float32)
    probes = [
        ModuleProbe({"c": 3}, (x, x[:1]), seed=1, actions=("zero_last_batchnorm_weight",)),
        ModuleProbe({"c": 3}, (x,), seed=1),
    ]
    zeroed, plain = run(RESIDUAL, "Block", probes).results
    assert zeroed.ok and len(zeroed.outputs) == 2
    np.testing.assert_allclose(zeroed.outputs[0], np.maximum(x, 0), atol=1e-6)  # identity path only
    assert zeroed.parameters == 2 * (27 * 3 + 3) + 2 * 6 + 3 * 2 + 2
    types = [layer.type for layer in plain.layers]
    assert types == ["Conv2d", "BatchNorm2d", "Conv2d", "BatchNorm2d", "Linear"]
    conv = plain.layers[0]
    assert conv.input_shape == (2, 3, 5, 5) and conv.output_shape == (2, 3, 5, 5)
    assert conv.attributes["padding"] == [1, 1] and conv.attributes["kernel_size"] == [3, 3]
    assert conv.attributes["in_channels"] == 3 and conv.parameters == 84
    assert plain.layers[-1].attributes == {"unused": True}
    torch.manual_seed(1)  # the parent's own RNG use is unaffected by the child's seeding
    assert not np.allclose(plain.outputs[0], zeroed.outputs[0])


def test_module_probe_errors_are_verdicts() -> None:
    x = np.zeros((1, 3, 4, 4), dtype=np.float32)
    bad_action, not_module = (
        run(
            RESIDUAL + "\nclass Nope:\n    pass\n",
            "Block",
            [ModuleProbe({"c": 3}, (x,), actions=("explode",))],
        ).results
        + run(
            "class Nope:\n    def __init__(self):\n        pass\n", "Nope", [ModuleProbe({}, (x,))]
        ).results
    )
    assert bad_action.status == "exception" and "explode" in bad_action.message
    assert not_module.status == "invalid_output" and "nn.Module" in not_module.message


def test_bad_arguments_raise_value_error() -> None:
    with pytest.raises(ValueError, match="entry="):
        run("", "not a name", [])
    with pytest.raises(ValueError, match="filename="):
        run("", "f", [], filename="../x.py")
    with pytest.raises(ValueError, match="limits.wall_s_per_call"):
        run("", "f", [], limits=Limits(wall_s_per_call=0))
    with pytest.raises(ValueError, match=r"calls\[0\].args\[0\]"):
        run("", "f", [Call((np.array([object()]),))])
    with pytest.raises(ValueError, match="calls\\[0\\]"):
        run("", "f", ["f(1)"])
    with pytest.raises(ValueError, match="require_level"):
        run("", "f", [], require_level=9)


def test_parent_never_unpickles_child_files(tmp_path) -> None:
    evil = tmp_path / "out.npy"
    np.save(evil, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not a plain numeric array"):
        _load_output(str(evil), Limits())
    empty = tmp_path / "empty.npy"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="no output"):
        _load_output(str(empty), Limits())
    big = tmp_path / "big.npy"
    np.save(big, np.zeros(1000))
    with pytest.raises(ValueError, match="over the limit"):
        _load_output(str(big), Limits(max_output_bytes=10))


def test_device_argument_runs_torch_calls_there() -> None:
    src = "def f(x):\n    return (x * 2, str(x.device) == 'cpu')\n"
    result = run(src, "f", [Call((X,), backend="torch", outputs=2)], device="cpu").results[0]
    assert result.ok and bool(result.outputs[1]) and result.outputs[0][0, 1] == 2.0
    with pytest.raises(ValueError, match="device="):
        run(src, "f", [], device="tpu")
