"""One clear line per case: the judge's messages for every way a case can fail (no sandbox needed)."""

from __future__ import annotations

import numpy as np

from cnngrade.exercises.code import get
from cnngrade.grader.code.judge import judge, tolerance
from cnngrade.grader.sandbox.api import CallResult

CONV = get("conv2d")
PARAMS = {"N": 1, "seed": 0}


def _judge(result: CallResult):
    return judge(CONV, "basic", PARAMS, result, (np.ones((1, 2, 3, 3)),), 2.0)


def test_passing_case() -> None:
    out = _judge(CallResult("ok", outputs=(np.ones((1, 2, 3, 3), dtype=np.float32),)))
    assert out.passed and out.message("en") == "passed" and out.message("zh") == "通过"


def test_shape_mismatch_names_both_shapes() -> None:
    out = _judge(CallResult("ok", outputs=(np.ones((1, 2, 4, 4)),)))
    assert out.status == "shape"
    assert out.message("en") == "output: expected shape (1, 2, 3, 3), got (1, 2, 4, 4)"
    assert "期望形状 (1, 2, 3, 3)" in out.message("zh")


def test_value_mismatch_names_first_index_and_both_values() -> None:
    actual = np.ones((1, 2, 3, 3))
    actual[0, 1, 2, 0] = 1.5
    out = _judge(CallResult("ok", outputs=(actual,)))
    assert out.status == "wrong"
    assert out.message("en") == (
        "output differs at 1 of 18 positions; first at index (0, 1, 2, 0): expected 1, got 1.5"
    )


def test_nan_is_reported_as_such() -> None:
    actual = np.ones((1, 2, 3, 3))
    actual[0, 0, 1, 1] = np.nan
    out = _judge(CallResult("ok", outputs=(actual,)))
    assert (
        out.status == "nonfinite"
        and "NaN/inf" in out.message("en")
        and "(0, 0, 1, 1)" in out.message("en")
    )


def test_exception_keeps_type_and_line() -> None:
    result = CallResult("exception", message="raised IndexError at line 12: index 5 is out of bounds",
                        traceback='  File "submission.py", line 12, in conv2d\n')  # fmt: skip
    out = _judge(result)
    assert out.status == "exception"
    assert out.message("en") == "raised IndexError at line 12: index 5 is out of bounds"
    assert out.message("zh") == "抛出 IndexError（第 12 行）：index 5 is out of bounds"
    plain = _judge(CallResult("exception", message="ZeroDivisionError: division by zero",
                              traceback='  File "submission.py", line 7, in conv2d\n'))  # fmt: skip
    assert plain.message("en") == "raised ZeroDivisionError at line 7: division by zero"


def test_timeout_memory_forbidden_and_mutation() -> None:
    assert _judge(CallResult("timeout")).message("en") == "timed out after 2 s"
    assert _judge(CallResult("memory")).message("en") == "ran out of memory"
    forbidden = _judge(
        CallResult(
            "forbidden", message="uses torch.nn.functional.conv2d, which this exercise forbids"
        )
    )
    assert forbidden.status == "forbidden" and "torch.nn.functional.conv2d" in forbidden.message(
        "en"
    )
    mutated = _judge(CallResult("mutated_input", mutated=("args[0]",)))
    assert mutated.status == "mutated_input" and mutated.message("en").startswith(
        "modified its input x in place"
    )


def test_wrong_number_of_outputs() -> None:
    out = _judge(CallResult("ok", outputs=(np.ones(1), np.ones(1))))
    assert out.status == "invalid_output" and out.message("en") == "returned 2 arrays, expected 1"


def test_tolerance_scales_with_the_output() -> None:
    assert tolerance(CONV, np.array([0.5])) == (1e-4, 1e-5)
    assert tolerance(CONV, np.array([-200.0, 3.0])) == (1e-4, 2e-3)
