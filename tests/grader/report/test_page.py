"""The class report page: every section, figures as inline SVG with text, escaping, en and zh, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cnngrade.grader.report import load_class, report_html, write_report
from cnngrade.grader.report.data import misconception_counts, student_problems
from tests.grader.report.classes import HOSTILE, results, write_graded


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    return write_graded(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="module")
def page(graded: Path) -> str:
    return write_report(graded).read_text(encoding="utf-8")


def test_every_section_with_its_figures(page: str) -> None:
    for heading in ("Score distribution", "Slots", "Most frequent misconceptions per slot",
                    "Students whose submissions had problems"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in page
    # histogram, difficulty/discrimination, format/missing, and one bar chart per slot with a
    # misconception (conv_output_shape.1: no_plus_one; corr2d.1: flipped_kernel)
    assert page.count("<figure>") == page.count("<svg") == 5
    assert ">no_plus_one</text>" in page and ">flipped_kernel</text>" in page  # text stays text
    assert "<title>Report homework — Class report</title>" in page


def test_slot_table_numbers(page: str) -> None:
    row = re.search(r"<tr><td class=\"l\">conv_output_shape.1</td>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    # exercise, kind, points, difficulty = (2+1+0+2+0+0)/(6*2), discrimination, full, format,
    # missing, misconception
    assert cells[:4] == ["conv_output_shape", "answer", "2", "0.417"]
    assert cells[5:] == ["2", "0", "1", "3"]
    same_padding = re.search(r"same_padding.1</td>(.*?)</tr>", page).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", same_padding)[6:8] == ["1", "1"]  # format, missing


def test_students_with_problems_are_listed_and_escaped(page: str) -> None:
    section = page[page.index("Students whose submissions had problems") :]
    assert "s01" not in section and "s02" not in section
    for who in ("s03", "张三", "s05"):
        assert f">{who}</td>" in section
    assert "time limit: corr2d.1" in section and "format: same_padding.1" in section
    assert "forbidden API: corr2d.1" in section and "missing: all 3 slots" in section
    assert "crashed or unreadable: corr2d.1" in section
    assert HOSTILE not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in section
    assert "<script" not in page and "default-src 'none'" in page


def test_chinese_report(graded: Path) -> None:
    page = report_html(load_class(graded), "zh")
    assert '<html lang="zh">' in page and "<h2>分数分布</h2>" in page and "提交有问题的学生" in page
    assert "全部 3 题" in page and ">学生人数</text>" in page  # axis labels are SVG text


def test_language_defaults_to_the_assignments_and_is_checked(graded: Path) -> None:
    assert '<html lang="en">' in write_report(graded).read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="--lang must be en or zh"):
        write_report(graded, lang="fr")


def test_a_folder_graded_before_class_json(tmp_path: Path) -> None:
    old = write_graded(tmp_path / "old", with_class_file=False)
    (old / "item_analysis.csv").write_text(
        "slot,exercise_id,kind,max_score\n"
        "conv_output_shape.1,conv_output_shape,answer,2.0\nsame_padding.1,same_padding,answer,1.0\n"
        "corr2d.1,corr2d,code,3.0\n",
        encoding="utf-8",
    )
    data = load_class(old)
    assert len(data.results) == 6 and [s.slot for s in data.slots][-1] == "corr2d.1"
    assert report_html(data, "en").count("<svg") == 5


def test_not_a_graded_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no results/ folder"):
        write_report(tmp_path)
    (tmp_path / "results").mkdir()
    with pytest.raises(ValueError, match="neither class.json nor item_analysis.csv"):
        write_report(tmp_path)


def test_a_lost_result_file_is_named(tmp_path: Path) -> None:
    out = write_graded(tmp_path / "c")
    (out / "results" / "s02.json").unlink()
    with pytest.raises(ValueError, match=r"1 result file\(s\).*'s02'.*cnngrade grade"):
        write_report(out)


def test_problems_and_misconceptions_from_results() -> None:
    everyone = results()
    problems = {p.student_id: p for p in student_problems(everyone)}
    assert set(problems) == {"s03", "张三", "s05", HOSTILE}
    assert problems["s03"].format == ("same_padding.1",) and problems["s03"].timeout == (
        "corr2d.1",
    )
    assert not any(p.fault for p in problems.values())
    assert misconception_counts(everyone, "conv_output_shape.1") == {"no_plus_one": 3}


def test_a_grader_fault_is_its_own_problem_not_the_students() -> None:
    from cnngrade.grader.pipeline import GRADER_FAULT
    from cnngrade.grader.types import Finding, StudentResult, Verdict

    broken = Finding("error", "the sandbox worker died", GRADER_FAULT)
    result = StudentResult("s9", (Verdict("corr2d.1", "corr2d", 0.0, 3.0, (broken,)),))
    (problem,) = student_problems([result])
    assert problem.fault and problem.crashed == ()
