"""Canvas and Moodle gradebook files (grader/lms.py, `cnngrade export`): columns, values, safety."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

import cnngrade.grader.cli.main  # noqa: F401  (registers every command)
from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.grader.classrun import grade_class
from cnngrade.grader.cli.app import app
from cnngrade.grader.gradebook import read_gradebook
from cnngrade.grader.lms import canvas_gradebook, moodle_grades, write_export

from .classdata import write_answers, write_manifest

runner = CliRunner()
EVIL = '=HYPERLINK("http://evil.example","x")'
ROSTER = (
    "id,name,lang,canvas_id,sis_user_id,sis_login_id,section,email,idnumber\n"
    "s1,Ada Lovelace,en,101,SIS-1,ada,Lab A,ada@uni.edu,2024001\n"
    f's2,"{EVIL.replace(chr(34), chr(34) * 2)}",en,102,,,@Lab B,+evil@uni.edu,2024002\n'
    "s3,No Hand-in,en,103,SIS-3,,Lab A,nobody@uni.edu,2024003\n"
    "s4,Not In Canvas,en,,,,Lab A,,\n"
)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A graded class: s1 right everywhere, s2 wrong everywhere, s3 no folder, s4 right; `stray`
    handed in without being on the roster."""
    root = tmp_path_factory.mktemp("lms")
    manifest = write_manifest(root)
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    subs = root / "subs"
    assignment = load_manifest(manifest)
    for student in ("s1", "s4", "stray"):
        answers = {p.slot: str(p.answer) for p in personal_problems(assignment, student)}
        write_answers(subs, student, answers)
    write_answers(subs, "s2", {p.slot: "0" for p in personal_problems(assignment, "s2")})
    out = root / "out"
    grade_class(subs, manifest, out, roster=roster)
    return root, out, manifest, roster


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_file_has_canvas_columns_points_row_and_the_totals(graded, tmp_path):
    root, out, manifest, roster = graded
    export = canvas_gradebook(out, roster, manifest=manifest)
    path = write_export(export, tmp_path / "canvas.csv")
    rows = _rows(path.read_text(encoding="utf-8"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Test homework"]
    assert rows[1][0] == "Points Possible" and float(rows[1][-1]) == 6.0
    by_id = {row[1]: row for row in rows[2:]}
    assert set(by_id) == {"101", "102", "103"}  # s4 has no Canvas id: left out, and said so
    book = read_gradebook(out / "gradebook.csv").set_index("student_id")
    assert by_id["101"] == ["Ada Lovelace", "101", "SIS-1", "ada", "Lab A", "6.0"]
    assert float(by_id["102"][-1]) == book.loc["s2", "total"] < 6
    assert by_id["103"][-1] == "0.0"  # on the roster, no folder: graded as missing
    assert export.left_out == ("s4", "stray")


def test_canvas_cells_a_student_controls_are_not_formulas(graded):
    _, out, manifest, roster = graded
    frame = canvas_gradebook(out, roster, manifest=manifest).frame
    s2 = frame[frame["ID"] == "102"].iloc[0]
    assert s2["Student"] == "'" + EVIL
    assert s2["Section"] == "'@Lab B"
    text_cells = [v for v in frame.to_numpy().ravel() if isinstance(v, str)]
    assert not [v for v in text_cells if v and v[0] in "=+-@"]


def test_canvas_assignment_id_and_column_name(graded):
    _, out, manifest, roster = graded
    frame = canvas_gradebook(out, roster, manifest=manifest, column="HW 1",
                             canvas_assignment_id=4711).frame  # fmt: skip
    assert list(frame.columns)[-1] == "HW 1 (4711)"
    assert "Points Possible" not in set(frame["Student"])  # an existing assignment keeps its points
    assert len(frame) == 3


def test_canvas_reads_title_and_points_from_the_class_file_without_a_manifest(graded):
    _, out, manifest, roster = graded
    assert (out / "class.json").is_file()  # every class run writes it
    frame = canvas_gradebook(out, roster).frame
    assert list(frame.columns)[-1] == "Test homework" and frame.iloc[0, -1] == 6.0


def test_moodle_file_has_the_identifier_then_one_column_per_grade_item(graded, tmp_path):
    _, out, manifest, roster = graded
    export = moodle_grades(out, roster, manifest=manifest, id_column="email")
    rows = _rows(write_export(export, tmp_path / "moodle.csv").read_text(encoding="utf-8"))
    slots = [s.slot for s in load_manifest(manifest).slots]
    assert rows[0] == ["Email address", *(f"Test homework: {s}" for s in slots), "Test homework"]
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {"ada@uni.edu", "'+evil@uni.edu", "nobody@uni.edu"}
    assert [float(v) for v in by_email["ada@uni.edu"][1:]] == [2, 1, 2, 1, 6]
    book = read_gradebook(out / "gradebook.csv").set_index("student_id")
    s2 = by_email["'+evil@uni.edu"]
    assert [float(v) for v in s2[1:]] == [book.loc["s2", s] for s in [*slots, "total"]]


def test_moodle_by_idnumber_totals_only(graded):
    _, out, manifest, roster = graded
    frame = moodle_grades(out, roster, manifest=manifest, id_column="idnumber", items="total").frame
    assert list(frame.columns) == ["ID number", "Test homework"]
    assert frame.set_index("ID number").loc["2024001", "Test homework"] == 6.0


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_a_roster_without_the_lms_id_column_is_a_one_line_error(graded, tmp_path, lms):
    _, out, manifest, _ = graded
    bare = tmp_path / "bare.csv"
    bare.write_text("id,name\ns1,Ada\n", encoding="utf-8")
    result = runner.invoke(app, ["export", lms, str(out), "--roster", str(bare),
                                 "--assignment", str(manifest)])  # fmt: skip
    assert result.exit_code != 0
    error = str(result.exception)
    assert isinstance(result.exception, ValueError) and "\n" not in error
    assert "bare.csv:1" in error and (
        "canvas_id" in error if lms == "canvas" else "'email'" in error
    )


def test_a_folder_that_was_never_graded_is_a_clear_error(tmp_path, graded):
    _, _, manifest, roster = graded
    with pytest.raises(ValueError, match="gradebook.csv not found"):
        canvas_gradebook(tmp_path, roster, manifest=manifest)


def test_bad_choices_are_refused(graded):
    _, out, manifest, roster = graded
    with pytest.raises(ValueError, match="--id-column"):
        moodle_grades(out, roster, manifest=manifest, id_column="name")
    with pytest.raises(ValueError, match="--items"):
        moodle_grades(out, roster, manifest=manifest, items="some")


def test_cli_writes_both_files_and_warns_about_who_is_left_out(graded):
    _, out, manifest, roster = graded
    for lms in ("canvas", "moodle"):
        result = runner.invoke(app, ["export", lms, str(out), "--roster", str(roster),
                                     "--assignment", str(manifest)])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert (out / f"{lms}.csv").is_file()
        assert "3 students" in result.stdout
        assert "left out" in result.stderr and "stray" in result.stderr
