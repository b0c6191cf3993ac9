"""Predicting the graded cases: a lookup table computed at home must not pass the class run.

The attacker knows the package (the case generators), the manifest and their own id. With the public
``variant_seed`` they can draw their exact cases, get the outputs from torch at home and hand in a
table. Class grading draws code cases with the course key (``graded_case_seed``), so the table
misses; the self-check keeps its public cases; the instructor replays a student's graded run with
``cnngrade check --assignment M --student S --slot SLOT FILE`` and gets the class run's verdict; the
key itself reaches nothing a student receives.
"""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cnngrade.exercises.code import get
from cnngrade.exercises.seeding import rng_for, variant_seed
from cnngrade.grader.cli.main import app
from cnngrade.grader.code import check
from cnngrade.grader.course_key import KEY_ENV, load_course_key
from security_harness import CORRECT_CORR2D as CORRECT

MANIFEST = """id: sec-predict
language: en
exercises:
  - {id: find_stride, points: 1}
  - {id: corr2d, points: 3}
"""


def lookup_table_submission(seed: int) -> str:
    """What the attacker hands in: outputs for the cases of ``seed``, found by the inputs' bytes."""
    exercise = get("corr2d")
    table = {}
    for case in exercise.cases(rng_for(seed)):
        invocation = exercise.build(case.params)
        key = hashlib.sha256(b"".join(a.tobytes() for a in invocation.args)).hexdigest()
        table[key] = exercise.expected(case.params, invocation)[0].tolist()
    return (
        "import hashlib\nimport numpy as np\n\n"
        f"TABLE = {json.dumps(table)}\n\n"
        "def corr2d(X, K):\n"
        "    key = hashlib.sha256(X.tobytes() + K.tobytes()).hexdigest()\n"
        "    if key in TABLE:\n"
        "        return np.array(TABLE[key])\n"
        "    return np.zeros((X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1))\n"
    )


def _public_seed(student: str) -> int:
    return variant_seed("sec-predict", student, "corr2d.1", 0)


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    root = tmp_path_factory.mktemp("predict")
    course = root / "course"
    course.mkdir()
    manifest = course / "hw.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    subs = root / "subs"
    for student, code in (("s01", CORRECT), ("s02", lookup_table_submission(_public_seed("s02")))):
        (subs / student).mkdir(parents=True)
        (subs / student / "corr2d.py").write_text(code, encoding="utf-8")
    spy = subs / "s03"
    spy.mkdir()
    key_path = course / ".cnngrade" / "course.key"
    (spy / "corr2d.py").write_text(  # tries to read the key and print it into its feedback
        f"def corr2d(X, K):\n    raise ValueError('KEY=' + open({str(key_path)!r}).read())\n",
        encoding="utf-8",
    )
    out = root / "out"
    result = CliRunner().invoke(
        app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(out)]
    )
    return root, manifest, subs, out, result


def _doc(out: Path, student: str) -> dict:
    return json.loads((out / "results" / f"{student}.json").read_text(encoding="utf-8"))


def _code(doc: dict) -> dict:
    return next(v for v in doc["verdicts"] if v["slot"] == "corr2d.1")


def test_the_table_passes_its_public_cases(tmp_path):
    """The attack is real: with the public seed the table scores full marks (the self-check's cases)."""
    path = tmp_path / "corr2d.py"
    path.write_text(lookup_table_submission(_public_seed("s02")), encoding="utf-8")
    report = check("corr2d", path, seed=_public_seed("s02"), shrink_failures=False)
    assert report.score == report.max_score
    result = CliRunner().invoke(
        app, ["check", "corr2d", str(path), "--seed", str(_public_seed("s02"))]
    )
    full = f"{report.max_score:g}"
    assert result.exit_code == 0 and f"score {full} / {full}" in result.output


def test_the_class_run_draws_other_cases_and_the_table_fails(klass):
    _, _, _, out, result = klass
    assert result.exit_code == 0, result.output
    assert _code(_doc(out, "s01"))["score"] == 3.0  # an honest student still passes
    assert _code(_doc(out, "s02"))["score"] < 1.0


def test_the_key_is_created_private_and_recorded_by_fingerprint(klass):
    root, manifest, _, out, _ = klass
    key_file = manifest.parent / ".cnngrade" / "course.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = load_course_key(manifest, create=False)
    for student in ("s01", "s02", "s03"):
        assert _doc(out, student)["course_key"] == key.fingerprint


def test_the_key_reaches_nothing_students_receive(klass, tmp_path):
    root, manifest, _, out, _ = klass
    key = load_course_key(manifest, create=False)
    problems = tmp_path / "problems"
    roster = tmp_path / "roster.csv"
    roster.write_text("id\ns01\ns02\n", encoding="utf-8")
    made = CliRunner().invoke(
        app, ["generate", str(manifest), "--roster", str(roster), "--out", str(problems)]
    )
    assert made.exit_code == 0, made.output
    files = [p for p in list(out.rglob("*")) + list(problems.rglob("*")) if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert key.secret not in data and key.secret.hex().encode() not in data, path
    spy = _code(_doc(out, "s03"))
    assert spy["score"] == 0.0 and not any(
        key.secret.hex() in f["message"] for f in spy["findings"]
    )


@pytest.mark.parametrize("student", ["s01", "s02"])
def test_check_replays_the_graded_run_with_the_same_verdict(klass, student):
    _, manifest, subs, out, _ = klass
    result = CliRunner().invoke(
        app,
        ["check", "--assignment", str(manifest), "--student", student, "--slot", "corr2d.1",
         str(subs / student / "corr2d.py"), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    replay = json.loads(result.output)
    graded = _code(_doc(out, student))
    assert replay["verdict"]["score"] == graded["score"]
    assert [f["message"] for f in replay["verdict"]["findings"]] == [
        f["message"] for f in graded["findings"]
    ]
    text = CliRunner().invoke(
        app,
        ["check", "--assignment", str(manifest), "--student", student, "--slot", "corr2d.1",
         str(subs / student / "corr2d.py")],
    )  # fmt: skip
    assert text.exit_code == 0 and f"score {graded['score']:g} / 3" in text.output


def test_replay_without_the_key_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    manifest = tmp_path / "hw.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    code = tmp_path / "corr2d.py"
    code.write_text(CORRECT, encoding="utf-8")
    from cnngrade.grader.cli.main import main

    args = [
        "check",
        "--assignment",
        str(manifest),
        "--student",
        "s01",
        "--slot",
        "corr2d.1",
        str(code),
    ]
    monkeypatch.setattr("sys.argv", ["cnngrade", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 2
    assert not (tmp_path / ".cnngrade").exists()  # a replay never creates a key


def test_a_new_key_draws_new_cases_and_regrades(klass, tmp_path):
    _, manifest, subs, out, _ = klass
    other = tmp_path / "other.key"
    before = _doc(out, "s01")
    from cnngrade.grader.classrun import grade_class

    summary = grade_class(subs, manifest, tmp_path / "out2", course_key_file=other)
    assert summary.course_key != before["course_key"] and other.is_file()
    again = json.loads((tmp_path / "out2" / "results" / "s01.json").read_text(encoding="utf-8"))
    params = lambda doc: [f["detail"].get("params") for f in _code(doc)["findings"]]  # noqa: E731
    assert params(again) != params(before) and _code(again)["score"] == 3.0
