"""``cnngrade summary``: table, CSV and JSON output; one-line errors for bad arguments."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import cnngrade.grader.cli.main  # noqa: F401  (registers every command)
from cnngrade.grader.cli.app import app
from cnngrade.grader.cli.main import main

runner = CliRunner()


def test_table_has_every_layer_and_the_totals():
    result = runner.invoke(app, ["summary", "lenet5"])
    assert result.exit_code == 0, result.output
    assert "avg_pool2d" in result.output and "1×16×5×5" in result.output
    assert "total parameters 61,706" in result.output


def test_csv_parses_back():
    result = runner.invoke(
        app,
        ["summary", "resnet18", "--input", "1,3,32,32", "--format", "csv", "-o", "num_classes=10"],
    )
    assert result.exit_code == 0, result.output
    df = pd.read_csv(io.StringIO(result.output))
    assert (
        df["parameters"].sum() == 11_689_512 - 513 * 990
    )  # torchvision's count, with 10 classes not 1000
    assert df.iloc[-1]["output_shape"] == "(1, 10)"


def test_json_has_layers_and_totals():
    result = runner.invoke(app, ["summary", "alexnet_2gpu", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["input"] == [1, 3, 227, 227]  # the model's own image_size
    assert data["totals"]["parameters"] == 60_965_224
    pools = [row for row in data["layers"] if row["type"] == "max_pool2d"]
    assert [(p["receptive_field"], p["jump"]) for p in pools] == [(19, 8), (67, 16), (195, 32)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["summary", "resnt50"], "did you mean 'resnet50'"),
        (["summary", "lenet5", "--input", "1,a"], "--input must be comma-separated"),
        (["summary", "lenet5", "--format", "xml"], "--format must be one of"),
        (["summary", "lenet5", "-o", "num_classes"], "--option must look like KEY=VALUE"),
        (["summary"], "summary needs a MODEL"),
    ],
)
def test_bad_arguments_are_one_line_errors(args, message, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["cnngrade", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
