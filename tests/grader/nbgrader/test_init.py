"""``cnngrade nbgrader init``: one marked block, the instructor's settings kept, idempotent."""

from __future__ import annotations

import subprocess
import sys

from traitlets.config.loader import PyFileConfigLoader
from typer.testing import CliRunner

import cnngrade.grader.cli.main  # noqa: F401
from cnngrade.grader.cli.app import app
from cnngrade.grader.nbgrader.init import BEGIN, END, init_course

OWN = "c = get_config()\nc.CourseDirectory.course_id = 'dl101'\nc.Autograde.sanitize_preprocessors = []\n"


def _names(steps):
    return [s.__name__ if isinstance(s, type) else str(s).rsplit(".", 1)[-1] for s in steps]


def _load(path):
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def test_init_creates_the_config_and_the_student_hook(tmp_path):
    course, students = tmp_path / "new" / "course", tmp_path / "jupyter"  # created by init
    written = init_course(course, student_config=students)
    assert written == [course / "nbgrader_config.py", students / "nbgrader_config.py"]
    assert (course / "cnngrade").is_dir()
    c = _load(course / "nbgrader_config.py")
    names = _names(c.Autograde.autograde_preprocessors)
    assert names[names.index("SaveAutoGrades") + 1] == "GradeCnngradeCells"
    hook = _load(students / "nbgrader_config.py")
    assert hook.ExchangeFactory.fetch_assignment.endswith("PersonalizedFetchAssignment")


def test_init_keeps_the_instructors_settings_and_is_idempotent(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    config = course / "nbgrader_config.py"
    config.write_text(OWN)
    init_course(course, student_config=tmp_path / "j")
    first = config.read_text()
    init_course(course, student_config=tmp_path / "j")
    assert config.read_text() == first and first.startswith(OWN)
    assert first.count(BEGIN) == 1 and first.count(END) == 1
    c = _load(config)
    assert c.CourseDirectory.course_id == "dl101"
    # the instructor's own (empty) sanitizing list is kept, cnngrade's steps added to it
    assert _names(c.Autograde.sanitize_preprocessors) == [
        "RestorePrompts", "PersonalizePrompts"
    ]  # fmt: skip


def test_cli_init_and_its_one_line_error(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    runner = CliRunner()
    ok = runner.invoke(
        app, ["nbgrader", "init", str(course), "--student-config", str(tmp_path / "j")]
    )
    assert ok.exit_code == 0 and "configured" in ok.output and "alembic" in ok.output
    (tmp_path / "a-file").write_text("")
    bad = subprocess.run([sys.executable, "-m", "cnngrade", "nbgrader", "init", str(tmp_path / "a-file")],
                         capture_output=True, text=True)  # fmt: skip
    assert bad.returncode == 2 and "is not a folder" in bad.stderr and "Traceback" not in bad.stderr
