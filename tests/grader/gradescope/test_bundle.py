"""The Gradescope bundle (grader/gradescope/bundle.py, wheel.py; `cnngrade gradescope`)."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest
import torch
from typer.testing import CliRunner

import cnngrade.grader.cli.main  # noqa: F401  (registers every command)
from cnngrade.grader.cli.app import app
from cnngrade.grader.course_key import course_key_path, load_course_key
from cnngrade.grader.gradescope import build_bundle

runner = CliRunner()


def _read(bundle_path, name: str) -> bytes:
    with zipfile.ZipFile(bundle_path) as archive:
        return archive.read(name)


def test_the_zip_root_holds_exactly_the_bundle_files(course):
    with zipfile.ZipFile(course.bundle.path) as archive:
        names = sorted(archive.namelist())
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in archive.infolist()}
    assert names == sorted(["setup.sh", "run_autograder", course.wheel.name, "assignment.yaml",
                            "roster.csv", "config.json", ".cnngrade/course.key"])  # fmt: skip
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755
    assert modes[".cnngrade/course.key"] == 0o600
    assert _read(course.bundle.path, "assignment.yaml") == course.manifest.read_bytes()
    assert _read(course.bundle.path, "roster.csv") == course.roster.read_bytes()


def test_the_bundle_carries_the_instructors_course_key(course):
    key = load_course_key(course.manifest, create=False)
    assert course.bundle.course_key == key.fingerprint
    inside = _read(course.bundle.path, ".cnngrade/course.key")
    assert inside == course_key_path(course.manifest).read_bytes()


def test_config_says_how_to_find_the_student(course):
    config = json.loads(_read(course.bundle.path, "config.json"))
    assert config["id_field"] == "email" and config["roster_column"] == "email"
    assert config["manifest"] == "assignment.yaml" and config["roster"] == "roster.csv"
    assert config["visibility"] == "visible" and config["show_solutions"] is False


def test_the_wheel_is_cnngrade_without_solutions(course):
    with zipfile.ZipFile(course.wheel) as archive:
        names = archive.namelist()
    assert "cnngrade/grader/gradescope/run.py" in names
    assert "cnngrade/examples/assignment.yaml" in names
    assert not [n for n in names if n.startswith("solutions/") or "/solutions/" in n]


def test_setup_installs_the_cpu_torch_pinned_to_this_machines_and_the_wheel(course):
    setup = _read(course.bundle.path, "setup.sh").decode()
    version = torch.__version__.split("+")[0]
    assert f"pip install torch=={version} --index-url https://download.pytorch.org/whl/cpu" in setup
    assert f"pip install ./{course.wheel.name}" in setup
    run = _read(course.bundle.path, "run_autograder").decode()
    assert run.startswith("#!/usr/bin/env bash")
    assert "CNNGRADE_AUTOGRADER_ROOT:-/autograder" in run
    assert "-m cnngrade.grader.gradescope.run" in run


@pytest.mark.parametrize(("pin", "line"), [("2.5.1", "torch==2.5.1 --index-url"),
                                            ("latest", "install torch --index-url")])  # fmt: skip
def test_a_pinned_or_unpinned_torch(course, tmp_path, pin, line):
    out = build_bundle(course.manifest, tmp_path / "a.zip", torch=pin, wheel=course.wheel)
    assert line in _read(out.path, "setup.sh").decode()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"id_field": "phone"}, "--id-field must be one of sid, email, name, id"),
        ({"visibility": "soon"}, "--visibility must be one of"),
        ({"torch": "2.5; rm -rf /"}, "--torch must be a version"),
        (
            {"roster_column": "student_email"},
            "roster.csv:1: the roster has no 'student_email' column",
        ),
    ],
)
def test_bad_options_are_one_line_errors_and_write_nothing(course, tmp_path, options, message):
    out = tmp_path / "a.zip"
    with pytest.raises(ValueError, match=message.replace("(", r"\(")) as error:
        build_bundle(course.manifest, out, roster=course.roster, wheel=course.wheel, **options)
    assert "\n" not in str(error.value) and not out.exists()


def test_a_file_that_is_not_a_cnngrade_wheel_is_refused(course, tmp_path):
    fake = tmp_path / "cnngrade-9-py3-none-any.whl"
    fake.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable wheel"):
        build_bundle(course.manifest, tmp_path / "a.zip", wheel=fake)


def test_cli_builds_the_zip_and_names_the_key(course, tmp_path):
    out = tmp_path / "autograder.zip"
    result = runner.invoke(app, ["gradescope", str(course.manifest), "--out", str(out),
                                 "--wheel", str(course.wheel), "--roster", str(course.roster)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.is_file() and course.bundle.course_key in result.stdout
    assert json.loads(_read(out, "config.json"))["id_field"] == "sid"
