"""End to end through the real sandbox: check a submission, shrink its failure, report, grade, CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cnngrade.grader.cli.main  # noqa: F401  (registers every command)
from cnngrade.exercises.code import get
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.cli.app import app
from cnngrade.grader.code import check, check_source, grade_code_file
from cnngrade.grader.code.grade import SubmissionRun
from cnngrade.grader.sandbox.api import Limits

ROOT = Path(__file__).parents[3]
SOLUTIONS, EXAMPLES = ROOT / "solutions", ROOT / "examples" / "code"


def test_missing_bias_shrinks_to_one_number_with_a_bias() -> None:
    report = check("conv2d", SOLUTIONS / "conv2d" / "wrong_missing_bias.py", seed=1)
    p = report.shrunk["params"]
    assert (p["N"], p["cin"], p["cout"], p["H"], p["W"], p["kh"], p["kw"]) == (1, 1, 1, 1, 1, 1, 1)
    assert p["bias"] is True and (p["sh"], p["ph"], p["dh"], p["groups"]) == (1, 0, 1, 1)
    assert report.shrunk["expected"] != report.shrunk["actual"]
    text = report.feedback()[-1]
    assert (
        "Smallest failing case: conv2d(x, weight, bias" in text
        and "expected output = shape (1, 1, 1, 1)" in text
    )


@pytest.mark.parametrize(
    "exercise, wrong",
    [
        ("conv2d", "wrong_stride_rows_only"),
        ("max_pool2d", "wrong_zero_padding"),
        ("conv_transpose2d", "wrong_no_output_padding"),
        ("lstm_cell", "wrong_gate_order"),
    ],
)
def test_shrunk_case_is_locally_minimal(exercise: str, wrong: str) -> None:
    """The shrunk case fails, and every one-step simplification of it passes: no bigger than needed."""
    path = SOLUTIONS / exercise / f"{wrong}.py"
    report = check(exercise, path, seed=0)
    ex, shrunk = get(exercise), report.shrunk["params"]
    assert report.shrunk["message_en"] and report.shrunk["rounds"] >= 1
    outcomes, _ = SubmissionRun(ex, path.read_text()).judge(ex.shrink(shrunk))
    assert all(o.passed or o.category() != "wrong" for o in outcomes), shrunk


def test_groups_bug_keeps_groups_and_drops_the_rest() -> None:
    report = check("conv2d", SOLUTIONS / "conv2d" / "wrong_groups_ignored.py", seed=2)
    p = report.shrunk["params"]
    assert p["groups"] == 2 and (p["H"], p["W"], p["kh"], p["kw"], p["N"]) == (1, 1, 1, 1, 1)
    assert [h.note for h in report.hints] == ["fails_with_groups"]


def test_report_json_and_verdict() -> None:
    report = check("conv2d", EXAMPLES / "conv2d_buggy.py", seed=0, lang="zh")
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert {"exercise", "score", "max_score", "passed", "cases", "feedback", "isolation"} <= set(
        data
    )
    assert data["passed"] is False and 0 < data["score"] < data["max_score"] == 8.0
    assert data["isolation"]["level"] >= 0 and "提示" in "\n".join(data["feedback"])
    verdict = report.verdict("hw3.conv2d.1")
    kinds = {f.kind for f in verdict.findings}
    assert {
        "case_passed",
        "case_failed",
        "misconception",
        "isolation",
    } <= kinds and verdict.score == report.score
    notes = [f.note for f in verdict.findings]
    assert "missing_bias" in notes and "shrunk_case" in notes
    assert any(f.message.startswith("用例 2 [basic] x (") for f in verdict.findings)


def test_correct_notebook_and_grade_code_file() -> None:
    verdict = grade_code_file(
        "hw.1", "conv2d", EXAMPLES / "conv2d_notebook.ipynb", seed=5, lang="en"
    )
    assert verdict.passed and verdict.max_score == 8.0


def test_forbidden_api_scores_zero_with_a_clear_message() -> None:
    report = check("conv2d", EXAMPLES / "conv2d_forbidden.py", seed=0)
    assert report.score == 0 and {c.status for c in report.cases} == {"forbidden"}
    assert "torch.nn.functional.conv2d" in report.cases[0].message("en")


def test_syntax_error_is_a_load_error_not_a_crash() -> None:
    report = check_source(get("corr2d"), "def corr2d(X, K:\n    pass\n")
    assert report.score == 0 and not report.passed
    assert (
        report.load_error.startswith("your file could not be loaded")
        and "SyntaxError" in report.load_error
    )


def test_infinite_loop_times_out() -> None:
    source = (
        (EXAMPLES / "conv2d_infinite_loop.py")
        .read_text()
        .replace("def conv2d(x, weight", "def corr2d(X, K")
    )
    source = source.replace("return x", "return X")
    ex = replace(get("corr2d"), cases=lambda rng: get("corr2d").cases(rng)[:2])
    report = check_source(ex, source, limits=Limits(wall_s_per_call=0.5))
    assert {c.status for c in report.cases} <= {"timeout", "not_run"} and report.score == 0
    assert report.cases[0].message("en") == "timed out after 0.5 s"


def test_cli_check_json_exit_zero_for_a_wrong_submission() -> None:
    result = CliRunner().invoke(
        app, ["check", "corr2d", str(SOLUTIONS / "corr2d" / "wrong_flipped_kernel.py"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["exercise"] == "corr2d" and data["passed"] is False
    assert [h["note"] for h in data["hints"]] == ["flipped_kernel"]


def test_cli_check_text_for_a_correct_submission() -> None:
    result = CliRunner().invoke(
        app, ["check", "corr2d", str(SOLUTIONS / "corr2d" / "correct.py"), "--lang", "zh"]
    )
    assert result.exit_code == 0 and result.output.startswith("corr2d: 得分 2 / 2")


def test_cli_statement_shows_the_task() -> None:
    result = CliRunner().invoke(app, ["check", "conv2d", "--statement", "--lang", "zh"])
    assert (
        result.exit_code == 0
        and "conv2d(x, weight, bias=None" in result.output
        and "禁止使用" in result.output
    )


def test_outputs_as_tensors_or_nested_lists_are_accepted() -> None:
    body = "    Y = [[float((X[i:i + K.shape[0], j:j + K.shape[1]] * K).sum()) for j in range(X.shape[1] - K.shape[1] + 1)]\n"
    body += "         for i in range(X.shape[0] - K.shape[0] + 1)]\n"
    as_list = "def corr2d(X, K):\n" + body + "    return Y\n"
    as_tensor = "import torch\n\ndef corr2d(X, K):\n" + body + "    return torch.tensor(Y)\n"
    for source in (as_list, as_tensor):
        assert check_source(get("corr2d"), source, shrink_failures=False).passed


def test_bias_in_a_bias_free_block_is_named() -> None:
    # d2l keeps the conv bias (accepted by default); narrowed to the paper convention it is wrong
    path = SOLUTIONS / "styles" / "dense_block" / "right_d2l_conv_bias.py"
    assert check("dense_block", path, shrink_failures=False).passed
    report = check("dense_block:paper", path, shrink_failures=False)
    assert "your convolutions have a bias" in report.cases[0].message("en")


def test_forbidden_use_in_some_cases_voids_the_whole_score() -> None:
    source = """import importlib
import numpy as np
import torch


def corr2d(X, K):
    if K.shape[0] == 1 and K.shape[1] == 1:
        return X * K[0, 0]
    F = importlib.import_module("torch.nn." + "functional")
    conv = getattr(F, "con" + "v2d")
    return conv(torch.from_numpy(X)[None, None], torch.from_numpy(K)[None, None])[0, 0].numpy()
"""
    report = check_source(get("corr2d"), source, shrink_failures=False)
    statuses = [c.status for c in report.cases]
    assert "forbidden" in statuses and "passed" in statuses and report.score == 0


def test_cli_reports_a_sandbox_that_cannot_grade(monkeypatch) -> None:
    import cnngrade.grader.code
    from cnngrade.grader.sandbox import IsolationError

    path = str(SOLUTIONS / "corr2d" / "correct.py")
    bad = CliRunner().invoke(app, ["check", "corr2d", path, "--require-level", "99"])
    assert isinstance(bad.exception, ValueError) and "require_level=99" in str(bad.exception)

    def refuse(*args, **kwargs):
        raise IsolationError("isolation level 2 (no-namespaces) is below the required 4")

    monkeypatch.setattr(cnngrade.grader.code, "check", refuse)
    result = CliRunner().invoke(app, ["check", "corr2d", path, "--require-level", "4"])
    assert result.exit_code == 3 and "grading failed: isolation level 2" in result.output


def test_only_inputs_cross_into_the_sandbox(monkeypatch) -> None:
    """The sandbox receives Calls whose arrays are the inputs; no expected output is among them."""
    import numpy as np

    import cnngrade.grader.sandbox

    seen = []
    real_run = cnngrade.grader.sandbox.run

    def spy(source, entry, calls, **kwargs):
        seen.extend(calls)
        return real_run(source, entry, calls, **kwargs)

    monkeypatch.setattr(cnngrade.grader.sandbox, "run", spy)
    ex = get("conv2d")
    report = check("conv2d", SOLUTIONS / "conv2d" / "wrong_missing_bias.py", seed=3)
    assert report.shrunk is not None and len(seen) > len(report.cases)  # main run + shrink rounds
    for case, call in zip(ex.cases(rng_for(3)), seen, strict=False):
        (expected,) = ex.expected(case.params, ex.build(case.params))
        arrays = [a for a in (*call.args, *call.kwargs.values()) if isinstance(a, np.ndarray)]
        assert arrays and not any(
            a.shape == expected.shape and np.allclose(a, expected) for a in arrays
        )


def test_grade_code_file_hands_hide_paths_and_limits_to_the_sandbox(monkeypatch, tmp_path) -> None:
    import cnngrade.grader.sandbox

    real, seen = cnngrade.grader.sandbox.run, {}

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(cnngrade.grader.sandbox, "run", spy)
    hidden = (str(tmp_path / "out"), str(tmp_path / "subs"))
    verdict = grade_code_file("conv2d.1", "conv2d", EXAMPLES / "conv2d_correct.py", 0,
                              limits=Limits(wall_s_per_call=1.5), hide_paths=hidden)  # fmt: skip
    assert verdict.score == verdict.max_score
    assert seen["hide_paths"] == hidden and seen["limits"].wall_s_per_call == 1.5
