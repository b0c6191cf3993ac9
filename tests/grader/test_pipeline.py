"""The per-student pipeline: steps in order, unreadable submissions, code slots, no crash."""

from __future__ import annotations

import sys

from cnngrade.exercises.assignment import load_manifest, parse_manifest, personal_problems
from cnngrade.grader import pipeline
from cnngrade.grader.pipeline import STEPS, Job, Settings, run_steps, student_result
from cnngrade.grader.store import ResultStore
from cnngrade.grader.types import Verdict

from .classdata import write_answers, write_manifest


def _settings(tmp_path, text=None):
    manifest = write_manifest(tmp_path, text) if text else write_manifest(tmp_path)
    return Settings(load_manifest(manifest), manifest.read_text(), tmp_path / "out")


def _run(tmp_path, folder, settings=None, student="s1"):
    settings = settings or _settings(tmp_path)
    job = run_steps(Job(student, folder, "en", "fp"), settings)
    return student_result(job, settings), settings


def test_steps_are_data_in_the_documented_order():
    names = [type(step).__name__ for step in STEPS]
    assert names == [
        "RegenerateProblems",
        "ReadSubmission",
        "GradeAnswers",
        "GradeCode",
        "WriteFeedback",
        "SaveResult",
    ]


def test_a_full_submission_is_graded_in_manifest_order(tmp_path):
    settings = _settings(tmp_path)
    problems = personal_problems(settings.assignment, "s1", lang="en")
    folder = write_answers(tmp_path / "subs", "s1", {p.slot: str(p.answer) for p in problems})
    result, _ = _run(tmp_path, folder, settings)
    assert [v.slot for v in result.verdicts] == [s.slot for s in settings.assignment.slots]
    assert result.score == result.max_score == 6.0 and not result.errors
    assert ResultStore(settings.out_dir).is_current("s1", "fp")
    assert (settings.out_dir / "feedback" / "s1.md").exists() and (
        settings.out_dir / "feedback" / "s1.html"
    ).exists()


def test_exercise_ids_work_as_keys_when_the_exercise_has_one_slot(tmp_path):
    settings = _settings(tmp_path)
    p = personal_problems(settings.assignment, "s1")[1]
    folder = write_answers(tmp_path / "subs", "s1", {p.exercise_id: str(p.answer)})
    result, _ = _run(tmp_path, folder, settings)
    assert result.verdicts[1].passed


def test_invalid_yaml_gives_error_findings_not_a_crash(tmp_path):
    folder = tmp_path / "subs" / "s1"
    folder.mkdir(parents=True)
    (folder / "answers.yaml").write_text("a: [1, 2\nb: : 3\n")
    result, _ = _run(tmp_path, folder)
    assert result.score == 0 and "not valid YAML" in result.errors[0]
    assert {v.findings[0].kind for v in result.verdicts} == {"error"}
    assert "could not be read" in result.verdicts[0].findings[0].message


def test_wrong_encoding_is_named(tmp_path):
    folder = tmp_path / "subs" / "s1"
    folder.mkdir(parents=True)
    (folder / "answers.yaml").write_bytes("same_padding.1: 三\n".encode("gbk"))
    result, _ = _run(tmp_path, folder)
    assert "not UTF-8" in result.errors[0] and "save it as UTF-8" in result.errors[0]


def test_json_answers_and_unknown_slots(tmp_path):
    settings = _settings(tmp_path)
    p = personal_problems(settings.assignment, "s1")[1]
    folder = tmp_path / "subs" / "s1"
    folder.mkdir(parents=True)
    (folder / "answers.json").write_text(f'{{"{p.slot}": {p.answer}, "nope.7": 1}}')
    result, _ = _run(tmp_path, folder, settings)
    assert result.verdicts[1].passed
    assert any("unknown slot 'nope.7'" in e for e in result.errors)
    assert result.verdicts[0].findings[0].kind == "missing"


def test_no_folder_means_missing_answers(tmp_path):
    result, _ = _run(tmp_path, None)
    assert {v.findings[0].kind for v in result.verdicts} == {"missing"} and result.score == 0
    assert result.errors == ("no submission folder was found for this student",)


def test_yaml_lists_and_numbers_are_read_as_typed_answers(tmp_path):
    settings = _settings(tmp_path)
    problems = personal_problems(settings.assignment, "s1")
    folder = write_answers(
        tmp_path / "subs", "s1", {p.slot: p.answer for p in problems}
    )  # lists, ints
    result, _ = _run(tmp_path, folder, settings)
    assert result.score == result.max_score


CODE_MANIFEST = """id: test-code
language: en
exercises:
  - {id: find_stride, points: 1}
  - {id: corr2d, points: 3}
"""


def _code_settings(tmp_path):
    text = CODE_MANIFEST
    assignment = parse_manifest(text)
    return Settings(assignment, text, tmp_path / "out")


def test_code_slot_without_grader_code_is_an_error_finding(tmp_path, monkeypatch):
    settings = _code_settings(tmp_path)
    folder = write_answers(tmp_path / "subs", "s1", {"find_stride.1": "1"})
    (folder / "corr2d.py").write_text("def corr2d(X, K):\n    return X\n")
    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", None
    )  # import fails like a missing package
    result, _ = _run(tmp_path, folder, settings)
    code = result.verdicts[1]
    assert code.slot == "corr2d.1" and code.findings[0].kind == "error" and code.max_score == 3.0
    assert "grader.code is missing" in code.findings[0].message


def test_code_slot_calls_the_code_grader_and_rescales_to_manifest_points(tmp_path, monkeypatch):
    import types

    calls = []

    def fake(slot, exercise_id, path, seed, lang, **kwargs):
        calls.append((slot, exercise_id, path.name, seed, lang))
        return Verdict(slot, exercise_id, 5.0, 10.0)

    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", types.SimpleNamespace(grade_code_file=fake)
    )
    settings = _code_settings(tmp_path)
    folder = write_answers(tmp_path / "subs", "s1", {})
    (folder / "corr2d.py").write_text("def corr2d(X, K):\n    return X\n")
    result, _ = _run(tmp_path, folder, settings)
    assert calls and calls[0][:3] == ("corr2d.1", "corr2d", "corr2d.py") and calls[0][4] == "en"
    assert (result.verdicts[1].score, result.verdicts[1].max_score) == (1.5, 3.0)


def test_code_slot_hides_output_and_submissions_and_uses_the_manifest_seconds(
    tmp_path, monkeypatch
):
    import types

    seen = {}

    def fake(slot, exercise_id, path, seed, lang, *, limits=None, hide_paths=(), device=None):
        seen.update(limits=limits, hide_paths=tuple(hide_paths))
        return Verdict(slot, exercise_id, 1.0, 1.0)

    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", types.SimpleNamespace(grade_code_file=fake)
    )
    text = CODE_MANIFEST.replace("{id: corr2d, points: 3}", "{id: corr2d, points: 3, seconds: 0.5}")
    subs = tmp_path / "subs"
    settings = Settings(parse_manifest(text), text, tmp_path / "out", submissions_dir=subs)
    folder = write_answers(subs, "s1", {})
    (folder / "corr2d.py").write_text("def corr2d(X, K):\n    return X\n")
    _run(tmp_path, folder, settings)
    assert seen["hide_paths"] == (str((tmp_path / "out").resolve()), str(subs.resolve()))
    assert seen["limits"].wall_s_per_call == 0.5


def test_code_slot_without_a_file_is_missing_and_a_crashing_grader_is_an_error(
    tmp_path, monkeypatch
):
    import types

    def crash(*args, **kwargs):
        raise RuntimeError("sandbox unavailable")

    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", types.SimpleNamespace(grade_code_file=crash)
    )
    settings = _code_settings(tmp_path)
    folder = write_answers(tmp_path / "subs", "s1", {})
    assert _run(tmp_path, folder, settings)[0].verdicts[1].findings[0].kind == "missing"
    (folder / "corr2d.ipynb").write_text("{}")
    finding = _run(tmp_path, folder, settings)[0].verdicts[1].findings[0]
    assert finding.kind == "error" and "sandbox unavailable" in finding.message


def test_a_grader_bug_in_one_answer_becomes_an_error_finding(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    problems = personal_problems(settings.assignment, "s1")
    folder = write_answers(tmp_path / "subs", "s1", {p.slot: str(p.answer) for p in problems})

    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(pipeline, "grade_answer", broken)
    result, _ = _run(tmp_path, folder, settings)
    assert {v.findings[0].kind for v in result.verdicts} == {"error"}


def test_a_student_whose_grading_crashes_gets_an_error_result_and_the_class_goes_on(
    tmp_path, monkeypatch
):
    from cnngrade.grader.classrun import grade_class

    manifest = write_manifest(tmp_path)
    for sid in ("a1", "a2"):
        write_answers(tmp_path / "subs", sid, {})
    real = pipeline.personal_problems

    def flaky(assignment, student_id, **kwargs):
        if student_id == "a1":
            raise RuntimeError("generator exploded")
        return real(assignment, student_id, **kwargs)

    monkeypatch.setattr(pipeline, "personal_problems", flaky)
    summary = grade_class(tmp_path / "subs", manifest, tmp_path / "out")
    book = summary.gradebook.set_index("student_id")
    assert list(book.index) == ["a1", "a2"] and book.loc["a1", "errors"] == 1
    doc = ResultStore(tmp_path / "out").load("a1")
    assert "generator exploded" in doc["errors"][0]
    assert ResultStore(tmp_path / "out").load("a2")["verdicts"]
    monkeypatch.setattr(
        pipeline, "personal_problems", real
    )  # the bug is fixed: a rerun retries a1 only
    again = grade_class(tmp_path / "subs", manifest, tmp_path / "out")
    assert again.graded == 1 and again.gradebook.set_index("student_id").loc["a1", "errors"] == 0


def test_a_grader_fault_on_code_is_saved_flagged_and_retried_by_the_next_run(tmp_path, monkeypatch):
    """A dead sandbox is the grader's failure: the class run goes on, says so, and a rerun
    (without --force) grades the student again instead of keeping the zero."""
    import types

    from typer.testing import CliRunner

    from cnngrade.grader.classrun import grade_class
    from cnngrade.grader.cli.main import app

    state = {"broken": True}

    def flaky(slot, exercise_id, path, seed, lang, **kwargs):
        if state["broken"]:
            raise RuntimeError("the sandbox worker failed: worker died")
        return Verdict(slot, exercise_id, 10.0, 10.0)

    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", types.SimpleNamespace(grade_code_file=flaky)
    )
    manifest = tmp_path / "assignment.yaml"
    manifest.write_text(CODE_MANIFEST, encoding="utf-8")
    subs = tmp_path / "subs"
    folder = write_answers(subs, "s1", {"find_stride.1": "1"})
    (folder / "corr2d.py").write_text("def corr2d(X, K):\n    return X\n")
    first = grade_class(subs, manifest, tmp_path / "out")
    assert first.faults == ("s1",)
    assert first.gradebook.loc[0, "corr2d.1"] == 0.0
    cli = CliRunner().invoke(
        app, ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "out")]
    )
    assert cli.exit_code == 3 and "run the same command again" in cli.output
    state["broken"] = False
    second = grade_class(subs, manifest, tmp_path / "out")
    assert second.graded == 1 and second.faults == ()
    assert second.gradebook.loc[0, "corr2d.1"] == 3.0
    third = grade_class(subs, manifest, tmp_path / "out")
    assert third.skipped == 1  # a clean result is kept as usual


def test_grade_device_reaches_the_code_grader_and_a_bad_name_is_one_line(
    tmp_path, monkeypatch, capsys
):
    import types

    import pytest

    from cnngrade.grader.classrun import grade_class
    from cnngrade.grader.cli.main import main

    seen = []

    def spy(slot, exercise_id, path, seed, lang, **kwargs):
        seen.append(kwargs.get("device"))
        return Verdict(slot, exercise_id, 1.0, 1.0)

    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", types.SimpleNamespace(grade_code_file=spy)
    )
    manifest = tmp_path / "assignment.yaml"
    manifest.write_text(CODE_MANIFEST, encoding="utf-8")
    subs = tmp_path / "subs"
    (write_answers(subs, "s1", {}) / "corr2d.py").write_text("def corr2d(X, K):\n    return X\n")
    grade_class(subs, manifest, tmp_path / "out", device="cpu", force=True)
    grade_class(subs, manifest, tmp_path / "out", force=True)
    assert seen == ["cpu", None]
    args = ["grade", str(subs), "--assignment", str(manifest), "--out", str(tmp_path / "o2")]
    monkeypatch.setattr(sys, "argv", ["cnngrade", *args, "--device", "gpu"])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 2
    assert "'gpu' is not a device name" in capsys.readouterr().err


def test_code_cases_are_drawn_with_the_course_key_and_its_folder_is_hidden(tmp_path, monkeypatch):
    import types

    from cnngrade.exercises.seeding import graded_case_seed, variant_seed
    from cnngrade.grader.course_key import CourseKey

    seen = []

    def fake(slot, exercise_id, path, seed, lang, *, limits=None, hide_paths=(), device=None):
        seen.append((seed, tuple(hide_paths)))
        return Verdict(slot, exercise_id, 1.0, 1.0)

    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", types.SimpleNamespace(grade_code_file=fake)
    )
    key = CourseKey(bytes(range(32)), "sha256:0123456789abcdef")
    key_file = tmp_path / "course" / ".cnngrade" / "course.key"
    base = _code_settings(tmp_path)
    keyed = Settings(base.assignment, base.manifest_text, base.out_dir, course_key=key,
                     course_key_file=key_file)  # fmt: skip
    folder = write_answers(tmp_path / "subs", "s1", {})
    (folder / "corr2d.py").write_text("def corr2d(X, K):\n    return X\n")
    _run(tmp_path, folder, keyed)
    _run(tmp_path, folder, base)
    assert seen[0][0] == graded_case_seed("test-code", "s1", "corr2d.1", 0, key.secret)
    assert seen[1][0] == variant_seed("test-code", "s1", "corr2d.1", 0) != seen[0][0]
    assert str(key_file.parent.resolve()) in seen[0][1]
    doc = ResultStore(keyed.out_dir).load("s1")
    assert doc is not None and doc["course_key"] == ""  # the last save was the keyless run
    _run(tmp_path, folder, keyed)
    assert ResultStore(keyed.out_dir).load("s1")["course_key"] == key.fingerprint


def test_a_refused_code_file_is_an_error_saying_why_not_missing(tmp_path, monkeypatch):
    import types

    def never(*args, **kwargs):
        raise AssertionError("a refused file must not be graded")

    monkeypatch.setitem(
        sys.modules, "cnngrade.grader.code", types.SimpleNamespace(grade_code_file=never)
    )
    settings = _code_settings(tmp_path)
    folder = write_answers(tmp_path / "subs", "s1", {})
    (tmp_path / "other.py").write_text("def corr2d(X, K):\n    return X\n")
    (folder / "corr2d.py").symlink_to(tmp_path / "other.py")
    finding = _run(tmp_path, folder, settings)[0].verdicts[1].findings[0]
    assert finding.kind == "error" and "'corr2d.py' is a symbolic link" in finding.message
    assert finding.message.startswith("Your code file was not graded:")


def test_a_code_file_swapped_for_a_link_after_the_folder_was_read_is_the_students_error(
    tmp_path, monkeypatch
):
    """read_source refuses links itself: the class run's folder check may be raced."""
    from cnngrade.grader.code import grade as code_grade

    target = tmp_path / "classmate.py"
    target.write_text("def corr2d(X, K):\n    return X\n")
    settings = _code_settings(tmp_path)
    folder = write_answers(tmp_path / "subs", "s1", {})
    (folder / "corr2d.py").write_text("def corr2d(X, K):\n    return X\n")
    real = code_grade.read_source

    def swapped(path, entry):  # the attacker swaps the file between the check and the read
        path.unlink()
        path.symlink_to(target)
        return real(path, entry)

    monkeypatch.setattr(code_grade, "read_source", swapped)
    verdict = _run(tmp_path, folder, settings)[0].verdicts[1]
    finding = verdict.findings[0]
    assert verdict.score == 0.0 and finding.note != pipeline.GRADER_FAULT
    assert finding.message.startswith("Your code file was not graded:")
    assert "is a symbolic link" in finding.message


def test_read_source_refuses_an_oversized_file(tmp_path):
    from cnngrade.grader.code.grade import read_source
    from cnngrade.grader.folders import SubmissionFileError

    big = tmp_path / "conv2d.py"
    big.write_text("#" * 1_000_001)
    try:
        read_source(big, "conv2d")
    except SubmissionFileError as exc:
        assert "1,000,001 bytes; the limit is 1,000,000" in str(exc)
    else:
        raise AssertionError("an oversized file was read")
