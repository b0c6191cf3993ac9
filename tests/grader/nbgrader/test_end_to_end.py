"""nbgrader 0.9.6 end to end, with README's recipe as written: three students, personal prompts,
gradebook.db scores and comments, feedback, export, ``autograde --force``, a grader fault."""

from __future__ import annotations

import csv
import html
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
pytestmark = [
    pytest.mark.slow,  # nbgrader runs each notebook in a kernel: ~45 s on 2 cores
    # nbgrader's own collect step, run in-process, trips SQLAlchemy's autoflush warnings
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning"),
]

import nbformat  # noqa: E402

from cnngrade.exercises import registry  # noqa: E402
from cnngrade.exercises.assignment import parse_manifest, personal_problems  # noqa: E402
from cnngrade.exercises.render import answer_text  # noqa: E402
from cnngrade.grader.nbgrader.prompts import slot_prompts  # noqa: E402
from tests.grader.nbgrader.course import (  # noqa: E402
    ASSIGNMENT,
    CONV,
    CORRECT,
    COURSE_ID,
    F_CONV,
    MANIFEST,
    NO_BIAS,
    SHAPE,
    recipe,
    run_cnngrade,
    run_nbgrader,
    source_notebook,
)  # fmt: skip

STUDENTS = ("s01", "s02", "s03")
GRADE_CELLS = ("answer-shape", "conv2d-tests", "test-double")
SELF_CHECK = f'from cnngrade.grader.nbgrader import check; check("{CONV}")'


def _unescape(markdown: str) -> str:
    """Comment text without the backslashes that made it inert Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _work(student: str) -> tuple[str | None, str]:
    """What each student types: (typed answer, conv2d code)."""
    problem = personal_problems(parse_manifest(MANIFEST), student)[0]
    if student == "s01":  # right answer for their own variant, a correct conv2d
        return answer_text(problem.answer, problem.spec), CORRECT
    if student == "s02":  # a misconception, a conv2d without bias
        note, wrong = next(iter(problem.misconception_answers.items()))
        return answer_text(wrong, problem.spec), NO_BIAS
    return None, F_CONV  # no typed answer, torch's own conv2d


def _fill(path: Path, student: str) -> None:
    nb = nbformat.read(path, as_version=4)
    answer, code = _work(student)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "answer-shape" and answer is not None:  # Markdown as students write it
            cell.source = (
                f"**My answer:** `{answer}`" if student == "s01" else f"My answer: {answer}"
            )
        elif gid == "conv2d-code":
            cell.source = code
        elif gid == "double":
            cell.source = "def double(x):\n    return x + x"
    if student == "s01":  # the self-check line the prompt suggests, kept in the notebook
        nb.cells.append(nbformat.v4.new_code_cell(SELF_CHECK))
    nbformat.write(nb, path)


def _gradebook(course: Path) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            for gid in GRADE_CELLS:
                g = gb.find_grade(gid, ASSIGNMENT, ASSIGNMENT, student)
                out[student, gid] = (g.auto_score, g.needs_manual_grade)
            for cid in ("answer-shape", "conv2d-code"):
                out[student, "comment", cid] = gb.find_comment(
                    cid, ASSIGNMENT, ASSIGNMENT, student
                ).auto_comment
    return out


def _prompts(path: Path) -> dict[str, str]:
    nb = nbformat.read(path, as_version=4)
    return {
        c.metadata["cnngrade"]["slot"]: c.source
        for c in nb.cells
        if "cnngrade" in c.metadata and c.cell_type == "markdown"
        and not c.metadata.get("nbgrader", {}).get("solution")
    }  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The whole recipe once; what each step left behind."""
    tmp = tmp_path_factory.mktemp("nbgrader")
    exchange, jupyter = tmp / "exchange", tmp / "jupyter"
    for folder in (
        exchange,
        jupyter,
        tmp / "course" / "source" / ASSIGNMENT,
        tmp / "course" / "cnngrade",
    ):
        folder.mkdir(parents=True)
    exchange.chmod(0o777)
    course = tmp / "course"
    # the instructor's and the hub's own settings, which init must keep
    settings = f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"
    (course / "nbgrader_config.py").write_text(settings)
    (jupyter / "nbgrader_config.py").write_text(settings)
    (course / "cnngrade" / f"{ASSIGNMENT}.yaml").write_text(MANIFEST)
    nbformat.write(source_notebook(), course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    env = {
        "JUPYTER_CONFIG_DIR": str(jupyter),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
    }
    found: dict = {"course": course, "fetched": {}, "validate": {}, "log": {}}
    who, cwd = "instructor", tmp
    for line in recipe():
        if line.startswith("#"):
            who = "student" if "student" in line else "instructor"
            continue
        args = shlex.split(line)
        if args[0] == "pip":
            continue  # installed already
        if args[0] == "cd":
            cwd = cwd / args[1]
            continue
        if args[0] == "cnngrade":
            found["init"] = run_cnngrade(args[1:], cwd, env)
            continue
        if who == "instructor":
            found["log"][args[1]] = run_nbgrader(args[1:], cwd, env)
            continue
        for student in STUDENTS:
            home = tmp / "home" / student
            home.mkdir(parents=True, exist_ok=True)
            extra = (
                ["--student", student] if args[1] == "submit" else []
            )  # the OS user here is not the hub's
            log = run_nbgrader(args[1:] + extra, home, env | {"JUPYTERHUB_USER": student})
            notebook = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            if args[1] == "fetch_assignment":
                found["fetched"][student] = _prompts(notebook)
                _fill(notebook, student)
            if args[1] == "validate":
                found["validate"][student] = log
    found["grades"] = _gradebook(course)
    run_nbgrader(["autograde", ASSIGNMENT, "--force"], course, env)
    found["grades_forced"] = _gradebook(course)
    found["env"] = env
    return found


def test_recipe_runs_every_nbgrader_step():
    steps = [
        shlex.split(line)[:2] for line in recipe() if line.startswith(("nbgrader", "cnngrade"))
    ]
    assert [s[1] for s in steps] == [
        "nbgrader", "generate_assignment", "release_assignment", "fetch_assignment", "validate",
        "submit", "collect", "autograde", "generate_feedback", "export",
    ]  # fmt: skip


def test_init_keeps_the_instructors_settings(run):
    config = (run["course"] / "nbgrader_config.py").read_text()
    assert f"c.CourseDirectory.course_id = {COURSE_ID!r}" in config
    assert config.count("cnngrade nbgrader init") == 1


def test_fetch_gives_each_student_their_own_problems(run):
    fetched = run["fetched"]
    manifest = parse_manifest(MANIFEST)
    for student in STUDENTS:
        assert fetched[student] == {k: v for k, v in slot_prompts(manifest, student).items()}
    assert len({fetched[s][SHAPE] for s in STUDENTS}) == 3
    assert all("appears here" not in text for s in STUDENTS for text in fetched[s].values())


def test_released_notebook_holds_the_manifest_fields_only(run):
    released = (run["course"] / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "private note" not in released and "conv_output_shape" in released
    assert "appears here" in released  # one shared folder: personalization happens at fetch


def test_validate_does_not_report_personalized_locked_prompt_as_changed(run):
    for student in STUDENTS:
        log = run["validate"][student]
        assert "CHANGED" not in log and "has changed" not in log, log


def test_gradebook_holds_cnngrade_scores(run):
    g = run["grades"]
    assert g["s01", "answer-shape"] == (2.0, False)
    assert g["s01", "conv2d-tests"] == (4.0, False)
    assert g["s02", "answer-shape"][0] < 2.0 and not g["s02", "answer-shape"][1]
    score, flagged = g["s02", "conv2d-tests"]
    assert 0.0 < score < 4.0 and not flagged  # partial credit, not nbgrader's all or nothing
    assert g["s03", "conv2d-tests"] == (0.0, False)  # F.conv2d is forbidden
    assert g["s03", "answer-shape"] == (0.0, False)  # no answer
    for student in STUDENTS:  # the untagged cell: nbgrader as always
        assert g[student, "test-double"] == (1.0, False)


def test_comments_carry_cnngrade_findings(run):
    g = run["grades"]
    assert "cnngrade: 2 / 2 points" in _unescape(g["s01", "comment", "answer-shape"])
    problem = personal_problems(parse_manifest(MANIFEST), "s02")[0]
    note = next(iter(problem.misconception_answers))
    sentence = next(m for m in registry.get(problem.exercise_id).misconceptions if m.note == note)
    assert sentence.feedback("en") in _unescape(g["s02", "comment", "answer-shape"])
    no_bias = _unescape(g["s02", "comment", "conv2d-code"])
    assert "bias" in no_bias and "case 1" in no_bias
    assert "forbids" in _unescape(g["s03", "comment", "conv2d-code"])
    assert "No answer" in _unescape(g["s03", "comment", "answer-shape"])


def test_autograde_reports_no_change_for_personal_prompts(run):
    log = run["log"]["autograde"]
    assert "cnngrade: s01 conv2d.1 8 / 8" in log
    assert "has changed" not in log, log


def test_autograde_force_gives_the_same(run):
    assert run["grades_forced"] == run["grades"]


def test_autograded_notebooks_show_personal_problems(run):
    manifest = parse_manifest(MANIFEST)
    shown = {}
    for student in STUDENTS:
        path = run["course"] / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        shown[student] = _prompts(path)
        assert shown[student] == slot_prompts(manifest, student)
    assert len({shown[s][SHAPE] for s in STUDENTS}) == 3


def test_feedback_shows_problem_and_findings(run):
    manifest = parse_manifest(MANIFEST)
    for student in STUDENTS:
        page = (
            run["course"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        ).read_text()
        problem = personal_problems(manifest, student)[0]
        assert str(problem.prompt.split("$")[1]).split("=")[-1].strip() in page  # their input shape
        assert "cnngrade" in page and "case 1" in page
    assert "forbids" in (run["course"] / "feedback/s03/ps1/ps1.html").read_text()
    no_bias = html.unescape((run["course"] / "feedback/s02/ps1/ps1.html").read_text())
    problem = personal_problems(manifest, "s02")[0]
    note = next(iter(problem.misconception_answers))
    sentence = next(m for m in registry.get(problem.exercise_id).misconceptions if m.note == note)
    assert "Hint" in no_bias and "Smallest failing case" in no_bias
    assert _unescape(sentence.feedback("en"))[:40] in _unescape(re.sub(r"<[^>]+>", "", no_bias))


def test_export_has_a_column_per_slot(run):
    with open(run["course"] / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[-2:] == [SHAPE, CONV] and list(rows[0])[:4] == [
        "assignment", "duedate", "timestamp", "student_id"
    ]  # fmt: skip
    by_student = {r["student_id"]: r for r in rows}
    assert set(by_student) == set(STUDENTS)
    assert (by_student["s01"][SHAPE], by_student["s01"][CONV]) == ("2.0", "4.0")
    assert by_student["s03"][CONV] == "0.0"
    assert float(by_student["s01"]["score"]) == 7.0


def test_grader_fault_flags_the_cell_for_manual_grading(run, tmp_path):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(run["course"], course)
    (course / "cnngrade" / f"{ASSIGNMENT}.yaml").unlink()
    run_nbgrader(["autograde", ASSIGNMENT, "--force", "--student", "s01"], course, run["env"])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("conv2d-tests", ASSIGNMENT, ASSIGNMENT, "s01")
        comment = gb.find_comment("conv2d-code", ASSIGNMENT, ASSIGNMENT, "s01").auto_comment
        assert grade.auto_score is None and grade.needs_manual_grade
        assert "could not grade" in comment and "manifest" in comment
        assert gb.find_grade("test-double", ASSIGNMENT, ASSIGNMENT, "s01").auto_score == 1.0


def test_tags_come_from_the_release_when_the_source_is_gone(run, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(run["course"], course)
    shutil.rmtree(course / "source")
    run_nbgrader(["autograde", ASSIGNMENT, "--force", "--student", "s02"], course, run["env"])
    run_nbgrader(["export", "--to", "again.csv"], course, run["env"])
    with open(course / "again.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["student_id"] == "s02")
    assert float(row[CONV]) == run["grades"]["s02", "conv2d-tests"][0]


def test_a_kept_self_check_line_is_skipped_while_nbgrader_runs_it(run):
    nb = nbformat.read(run["course"] / "autograded/s01/ps1/ps1.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.source == SELF_CHECK)
    assert "skipped while nbgrader runs the notebook" in "".join(
        o.get("text", "") for o in cell.outputs
    )
