"""The wheel a course image installs: one import package, the sample class, no solutions.

The slow tests build the wheel from a copy of the working tree (``pip wheel --no-deps
--no-build-isolation``: offline, about a second), list its files against an allowlist, install it
into a fresh venv outside the checkout, and run the CLI there from a temporary folder. The venv
reuses the already-installed torch and friends through a ``.pth`` file naming this environment's
site-packages; cnngrade itself comes only from the wheel (checked).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11 reads pyproject.toml

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _package_folders() -> dict[str, Path]:
    """Every folder with an ``__init__.py`` under a mapped top-level folder, by its dotted name."""
    found = {}
    for name, folder in PYPROJECT["tool"]["setuptools"]["package-dir"].items():
        root = REPO / folder
        for init in root.rglob("__init__.py"):
            rel = init.parent.relative_to(root)
            if "__pycache__" not in rel.parts:
                found[".".join((name, *rel.parts))] = init.parent
    return found


def test_every_package_folder_is_in_pyprojects_packages():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    missing = sorted(set(_package_folders()) - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_listed_package_has_its_folder():
    folders = _package_folders()
    assert {"cnngrade", "cnngrade.reference", "cnngrade.grader", "cnngrade.examples"} <= set(
        folders
    )
    ghosts = sorted(set(PYPROJECT["tool"]["setuptools"]["packages"]) - set(folders))
    assert not ghosts, f"listed in pyproject.toml but no folder with __init__.py: {ghosts}"


def test_only_our_folders_are_mapped_and_solutions_is_not():
    mapped = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert all(name == "cnngrade" or name.startswith("cnngrade.") for name in mapped)
    assert "solutions" not in mapped.values()
    assert not any("solutions" in p for p in PYPROJECT["tool"]["setuptools"]["packages"])


# --- the built wheel ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of the working tree, built from a copy (never writes build/ into the checkout) the
    way ``cnngrade gradescope`` builds the one it bundles."""
    from cnngrade.grader.gradescope.wheel import bundle_wheel, source_tree

    assert source_tree() == REPO  # the tests run on this checkout's cnngrade
    dist = tmp_path_factory.mktemp("wheel") / "dist"
    built = bundle_wheel(dist)
    assert list(dist.glob("cnngrade-*.whl")) == [built]
    return built


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return [n for n in archive.namelist() if not n.endswith("/")]


_DIST_INFO = re.compile(
    r"cnngrade-[^/]+\.dist-info/(METADATA|WHEEL|RECORD|top_level\.txt|entry_points\.txt|licenses/.+)"
)
_OURS = re.compile(
    r"cnngrade/(__init__|__main__|sample)\.py"
    # code and the assets pages ship with (a renderer, a font): any other kind is a deliberate addition
    r"|cnngrade/(reference|exercises|grader)/[\w/.-]+\.(py|json|yaml|yml|md|csv|txt|js|css|svg|woff2|typed)"
    r"|cnngrade/examples/(__init__\.py|assignment\.yaml|roster\.csv)"
    r"|cnngrade/examples/code/conv2d_\w+\.(py|ipynb)"
    r"|cnngrade/examples/submissions/s\d\d/(answers\.(yaml|yml|json)|\w+\.(py|ipynb))"
)
#: anything that would hand students the answers
_ANSWERS = re.compile(
    r"(^|/)(solutions|_instructor|\.cnngrade)(/|$)|key\.json|answer_?key|\.key$", re.I
)


@pytest.mark.slow
def test_the_wheel_holds_only_cnngrade_on_an_allowlist(wheel):
    names = _names(wheel)
    strays = [n for n in names if not (_DIST_INFO.fullmatch(n) or _OURS.fullmatch(n))]
    assert not strays, f"files outside the allowlist: {strays[:20]}"
    assert not [n for n in names if _ANSWERS.search(n)]
    assert {n.split("/")[0] for n in names if not n.startswith("cnngrade-")} == {"cnngrade"}
    with zipfile.ZipFile(wheel) as archive:
        top = next(n for n in names if n.endswith("top_level.txt"))
        assert archive.read(top).decode().split() == ["cnngrade"]
        points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
        assert "cnngrade = cnngrade.grader.cli.main:main" in points
        meta = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
        assert "Provides-Extra: nbgrader" in meta  # `pip install cnngrade-*.whl[nbgrader]`


@pytest.mark.slow
def test_the_wheel_ships_the_sample_class_and_every_module(wheel):
    names = set(_names(wheel))
    examples = {f"cnngrade/examples/{p.relative_to(REPO / 'examples').as_posix()}"
                for p in (REPO / "examples").rglob("*") if p.is_file() and "__pycache__" not in p.parts}  # fmt: skip
    assert examples <= names, sorted(examples - names)
    assert "cnngrade/examples/submissions/s06/conv2d.ipynb" in names
    for name, folder in _package_folders().items():
        if name.startswith("cnngrade.examples"):
            continue
        prefix = name.replace(".", "/")
        for module in folder.glob("*.py"):
            assert f"{prefix}/{module.name}" in names, f"{prefix}/{module.name} not in the wheel"


@pytest.mark.slow
def test_no_file_in_the_wheel_is_a_copy_of_a_solution(wheel):
    def digest(data: bytes) -> str:
        return hashlib.sha256(data.replace(b"\r\n", b"\n").strip()).hexdigest()

    solutions = {digest(p.read_bytes()): p for p in (REPO / "solutions").rglob("*.py")
                 if p.is_file() and p.stat().st_size > 200}  # fmt: skip
    with zipfile.ZipFile(wheel) as archive:
        copies = {n: solutions[d] for n in _names(wheel)
                  if (d := digest(archive.read(n))) in solutions}  # fmt: skip
    assert not copies, f"instructor solutions in the wheel: {copies}"


# --- installed outside the checkout ------------------------------------------------------------


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed; numpy, torch, ... come from this environment."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    ours = sysconfig.get_paths()
    deps = "\n".join(dict.fromkeys((ours["purelib"], ours["platlib"])))
    Path(purelib, "_cnngrade_test_deps.pth").write_text(deps + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return venv


def _run(venv: Path, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["COLUMNS"] = "200"
    return subprocess.run([str(venv / "bin" / "cnngrade"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)  # fmt: skip


@pytest.mark.slow
def test_cnngrade_is_imported_from_the_wheel_not_the_checkout(installed, tmp_path):
    done = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import cnngrade, cnngrade.grader, cnngrade.examples as e; print(cnngrade.__file__); print(e.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    )  # fmt: skip
    for line in done.stdout.split():
        assert Path(line).is_relative_to(installed), line
    for name in ("grader", "reference", "exercises", "solutions"):
        absent = subprocess.run([str(installed / "bin" / "python"), "-c", f"import {name}"],
                                capture_output=True, cwd=tmp_path)  # fmt: skip
        assert absent.returncode != 0, f"`import {name}` works in the course venv"


@pytest.mark.slow
def test_demo_list_generate_check_grade_work_outside_the_checkout(installed, tmp_path):
    package = next(installed.rglob("site-packages/cnngrade"))
    before = sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts)

    demo = _run(installed, tmp_path, "demo", "--out", "D")
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    book = (tmp_path / "D" / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[0] for row in book[1:]] == [f"s0{i}" for i in range(1, 8)]
    s01 = book[1].split(",")
    assert s01[-3] == s01[-2], f"s01 should score full marks: {book[0]} / {book[1]}"
    # the package folder was only read: the demo wrote its copy and the course key under D/
    after = sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts)
    assert after == before

    listing = _run(installed, tmp_path, "list")
    assert listing.returncode == 0 and "conv_output_shape" in listing.stdout

    sample = tmp_path / "D" / "class"
    generate = _run(installed, tmp_path, "generate", str(sample / "assignment.yaml"),
                    "--roster", str(sample / "roster.csv"), "--out", "P")  # fmt: skip
    assert generate.returncode == 0, generate.stderr
    assert (tmp_path / "P" / "s02" / "problems.md").is_file()

    check = _run(installed, tmp_path, "check", "conv2d", str(sample / "code" / "conv2d_correct.py"))
    assert check.returncode == 0, check.stderr
    assert re.search(r"score (\S+) / \1\b", check.stdout), check.stdout[:500]

    two = tmp_path / "two"
    for student in ("s01", "s02"):
        shutil.copytree(sample / "submissions" / student, two / student)
    grade = _run(installed, tmp_path, "grade", str(two), "--assignment",
                 str(sample / "assignment.yaml"), "--out", "G")  # fmt: skip
    assert grade.returncode == 0, grade.stderr
    graded = (tmp_path / "G" / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert graded[:3] == book[:3]  # the same rows as the demo gave s01 and s02


@pytest.mark.slow
def test_an_installed_cnngrade_builds_a_gradescope_bundle_that_grades(wheel, installed, tmp_path):
    """From a course image (no checkout): the installed files are repacked as the bundle's wheel,
    and the bundle's run_autograder grades with the installed cnngrade."""
    sample = tmp_path / "class"
    done = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         f"from cnngrade.sample import copy_sample_class; copy_sample_class({str(sample)!r})"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    )  # fmt: skip
    made = _run(installed, tmp_path, "gradescope", str(sample / "assignment.yaml"),
                "--roster", str(sample / "roster.csv"), "--out", "autograder.zip")  # fmt: skip
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(tmp_path / "autograder.zip") as bundle:
        (name,) = [n for n in bundle.namelist() if n.endswith(".whl")]
        bundle.extractall(tmp_path / "autograder" / "source")
    original = {n for n in _names(wheel) if not n.endswith("RECORD")}
    repacked = {
        n for n in _names(tmp_path / "autograder" / "source" / name) if not n.endswith("RECORD")
    }
    assert repacked == original
    root = tmp_path / "autograder"
    shutil.copytree(sample / "submissions" / "s01", root / "submission")
    (root / "submission_metadata.json").write_text('{"users": [{"sid": "s01", "email": ""}]}')
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {
        "CNNGRADE_AUTOGRADER_ROOT": str(root),
        "CNNGRADE_PYTHON": str(installed / "bin" / "python"),
    }
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 17 and all(t["status"] == "passed" for t in results["tests"])
