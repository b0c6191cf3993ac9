"""What a student reads at a tagged cell after ``nbgrader generate_feedback``: cnngrade's findings.

nbgrader shows the comment of an answer cell under it (rendered as Markdown, in formgrader too), so
cnngrade's feedback is that comment: the score, one line per finding (per-case lines, hints, the
misconception's sentence) and the shrunk case as a code block. Findings may quote what the student
wrote or printed, so every message is made inert Markdown first.
"""

from __future__ import annotations

from cnngrade.exercises.core import Lang, Text
from cnngrade.grader.feedback import finding_mark
from cnngrade.grader.types import Verdict

__all__ = ["fault_comment", "verdict_comment"]

_SCORE = Text("cnngrade: {score} / {points} points", "cnngrade：{score} / {points} 分")
_NOT_RUN = Text("{count} test cases could not run.", "{count} 个测试用例无法运行。")
_FAULT = Text(
    "cnngrade could not grade this cell ({why}). It is flagged for manual grading; this is not a "
    "verdict on the answer.",
    "cnngrade 无法评分此单元格（{why}）。已标记为需要人工评分；这不是对答案的评判。",
)


def _number(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def verdict_comment(verdict: Verdict, points: float, lang: Lang) -> str:
    """The comment for a slot's answer cell: the score scaled to ``points``, then each finding.

    >>> from cnngrade.grader.types import Finding
    >>> v = Verdict("s.1", "s", 0.5, 1.0, (Finding("partial", "height *right*", score=0.5),))
    >>> print(verdict_comment(v, 4, "en"))
    **cnngrade: 2 / 4 points**
    <BLANKLINE>
    - ◐ height \\*right\\*
    """
    from cnngrade.grader.neutralize import for_markdown, for_markdown_code

    score = verdict.score / verdict.max_score * points if verdict.max_score else 0.0
    lines = [f"**{_SCORE(lang).format(score=_number(score), points=_number(points))}**", ""]
    shrunk = []
    # a file that could not load fails every case the same way: say it once, then count the cases
    load_error = any(f.note == "load_error" for f in verdict.findings)
    not_run = 0
    for f in verdict.findings:
        if f.note == "shrunk_case":
            shrunk.append(f.message)
            continue
        if load_error and "status" in f.detail and f.kind != "case_passed":
            not_run += 1
            continue
        lines.append(f"- {finding_mark(f)} {for_markdown(f.message, one_line=True)}")
    if not_run:
        lines.append(f"- ✗ {_NOT_RUN(lang).format(count=not_run)}")
    for text in shrunk:
        lines += ["", for_markdown_code(text).rstrip("\n")]
    return "\n".join(lines)


def fault_comment(why: str, lang: Lang) -> str:
    """The comment of a cell cnngrade failed to grade (the fault, for the instructor and student).

    >>> fault_comment("no manifest", "en").startswith("cnngrade could not grade this cell (no manifest)")
    True
    """
    from cnngrade.grader.neutralize import for_markdown

    return _FAULT(lang).format(why=for_markdown(why, one_line=True))
