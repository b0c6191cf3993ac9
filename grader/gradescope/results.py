"""One student's grading as Gradescope's ``results.json``: one test per slot, feedback as its output.

The format (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format"): top
level ``score``, ``execution_time`` (seconds), ``output``, ``visibility``, ``stdout_visibility``,
``extra_data`` and ``tests``; each test ``name``, ``number``, ``score``, ``max_score``, ``status``
(``passed``/``failed``), ``output`` and ``visibility``. Outputs are plain text (``output_format``
``text``): what a student typed appears in findings, so it is shown, never rendered; control and
invisible characters are escaped (``for_terminal``). stdout is hidden: it is for the instructor.
"""

from __future__ import annotations

from typing import Any

import cnngrade
from cnngrade.exercises.assignment import Assignment
from cnngrade.exercises.core import Lang, Text
from cnngrade.grader.feedback import exercise_title, finding_mark, finding_solution
from cnngrade.grader.neutralize import for_terminal
from cnngrade.grader.pipeline import grader_faulted
from cnngrade.grader.types import StudentResult, Verdict

__all__ = ["refused_document", "results_document", "verdict_text"]

_T = {
    "student": Text("Student", "学生"),
    "total": Text("Total", "总分"),
    "problems": Text("Problems with the submission:", "提交中的问题："),
    "note": Text("answer note", "答案标记"),
    "solution": Text("Worked solution:", "详细解答："),
    "nothing": Text("(nothing to report)", "（无）"),
    "refused": Text("This submission was not graded:", "此提交未被评分："),
    "fault": Text(
        "The grader itself failed on {slots}: this is not a verdict on your work, and your "
        "instructor will rerun the autograder.",
        "评分程序在 {slots} 上自身出错：这不是对你作答的评判，教师会重新运行自动评分。",
    ),
}


def _number(x: float) -> float:
    return round(float(x), 4)


def verdict_text(verdict: Verdict, lang: Lang) -> str:
    """A slot's findings as plain text: a mark and the message each, further lines indented.

    >>> from cnngrade.grader.types import Finding
    >>> v = Verdict("a.1", "a", 0.0, 1.0, (Finding("misconception", "Off by one.\\n[[1]]", note="no_plus_one"),))
    >>> print(verdict_text(v, "en"))
    ✗ Off by one. (answer note: no_plus_one)
        [[1]]
    """
    lines = []
    for finding in verdict.findings:
        first, _, rest = for_terminal(finding.message).partition("\n")
        note = f" ({_T['note'](lang)}: {finding.note})" if finding.kind == "misconception" else ""
        lines.append(f"{finding_mark(finding)} {first}{note}")
        lines += [f"    {line}" for line in rest.split("\n") if rest]
        if solution := finding_solution(finding):
            lines += ["", _T["solution"](lang), for_terminal(str(solution)), ""]
    return "\n".join(lines).rstrip() or _T["nothing"](lang)


def _passed(verdict: Verdict) -> bool:
    return verdict.score >= verdict.max_score - 1e-9


def results_document(
    result: StudentResult,
    assignment: Assignment,
    lang: Lang,
    visibility: str,
    seconds: float,
    *,
    note: str = "",
    course_key: str = "",
) -> dict[str, Any]:
    """Gradescope's results.json for one graded student."""
    tests = [
        {
            "name": f"{verdict.slot} · {exercise_title(verdict, lang)}",
            "number": str(i),
            "score": _number(verdict.score),
            "max_score": _number(verdict.max_score),
            "status": "passed" if _passed(verdict) else "failed",
            "output": verdict_text(verdict, lang),
            "output_format": "text",
            "visibility": visibility,
        }
        for i, verdict in enumerate(result.verdicts, start=1)
    ]
    head = [
        f"{assignment.title} · {_T['student'](lang)}: {for_terminal(result.student_id, one_line=True)}",
        f"{_T['total'](lang)}: {_number(result.score):g} / {_number(result.max_score):g}",
    ]
    if note:
        head += ["", note]
    faulted = [v.slot for v in result.verdicts if grader_faulted(v)]
    if faulted:
        head += ["", _T["fault"].format(slots=", ".join(faulted))(lang)]
    if result.errors:
        head += ["", _T["problems"](lang), *(f"- {for_terminal(e)}" for e in result.errors)]
    if result.isolation:
        head += ["", for_terminal(result.isolation)]
    return {
        "score": _number(result.score),
        "execution_time": round(seconds, 2),
        "output": "\n".join(head),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "extra_data": {
            "cnngrade": cnngrade.__version__,
            "assignment": assignment.id,
            "student_id": result.student_id,
            "course_key": course_key,
            "grader_faults": faulted,
        },
        "tests": tests,
    }


def refused_document(
    why: str, assignment: Assignment, visibility: str, seconds: float
) -> dict[str, Any]:
    """results.json for a submission that could not be graded (unknown student, no metadata)."""
    lang = assignment.language
    return {
        "score": 0.0,
        "execution_time": round(seconds, 2),
        "output": f"{assignment.title}\n\n{_T['refused'](lang)}\n{why}",
        "output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "extra_data": {"cnngrade": cnngrade.__version__, "assignment": assignment.id},
        "tests": [],
    }
