"""Per-student feedback in the student's language: Markdown, and HTML rendered from it.

One section per slot (score, then each finding's message; the worked solution when the instructor
enabled it), and at the top anything that stopped part of the grading (unreadable files, unknown
slots). The expected answers appear only inside worked solutions.
"""

from __future__ import annotations

import html

from exercises.core import Lang, Text
from grader.types import StudentResult, Verdict

__all__ = ["feedback_html", "feedback_markdown"]

_T = {
    "title": Text("Feedback", "反馈"),
    "student": Text("Student:", "学生："),
    "total": Text("Total:", "总分："),
    "problems": Text("Problems with the submission", "提交中的问题"),
    "solution": Text("Worked solution", "详细解答"),
    "note": Text("answer note", "答案标记"),
}
_MARK = {"correct": "✓", "case_passed": "✓", "format": "⚠", "missing": "–", "isolation": "ℹ"}


def _safe(text: str) -> str:
    """Messages may quote what a student typed: never let it become HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _score(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _title(verdict: Verdict, lang: Lang) -> str:
    """The exercise's title from the bank (answer or code), else its id."""
    from exercises import registry
    from exercises.assignment import code_registry

    try:
        return registry.get(verdict.exercise_id).title(lang)
    except ValueError:
        pass
    code = code_registry()
    try:
        title = code.get(verdict.exercise_id).title if code is not None else None
        return title(lang) if callable(title) else str(title or verdict.exercise_id)
    except (ValueError, KeyError, AttributeError):
        return verdict.exercise_id


def _section(verdict: Verdict, lang: Lang) -> list[str]:
    head = f"## {verdict.slot} · {_title(verdict, lang)} — {_score(verdict.score)} / {_score(verdict.max_score)}"
    lines = [head, ""]
    for finding in verdict.findings:
        mark = _MARK.get(finding.kind, "◐" if finding.score > 0 else "✗")
        note = f" *({_T['note'](lang)}: `{finding.note}`)*" if finding.kind == "misconception" else ""
        lines.append(f"- {mark} {_safe(finding.message)}{note}")
        solution = finding.detail.get("solution") if isinstance(finding.detail, dict) else None
        if solution:
            lines += ["", f"<details><summary>{_T['solution'](lang)}</summary>", "", solution, "", "</details>"]
    return lines + [""]


def feedback_markdown(result: StudentResult, lang: Lang, *, title: str = "") -> str:
    """The student's feedback as Markdown.

    >>> from grader.types import Finding
    >>> r = StudentResult("s1", (Verdict("x.1", "x", 1.0, 1.0, (Finding("correct", "Correct."),)),))
    >>> print(feedback_markdown(r, "en", title="hw1").splitlines()[0])
    # hw1 — Feedback
    """
    name = f"{title} — {_T['title'](lang)}" if title else _T["title"](lang)
    lines = [
        f"# {name}",
        "",
        f"**{_T['student'](lang)}** {result.student_id}  ",
        f"**{_T['total'](lang)}** {_score(result.score)} / {_score(result.max_score)}",
        "",
    ]
    if result.errors:
        lines += [f"### {_T['problems'](lang)}", ""] + [f"- {_safe(e)}" for e in result.errors] + [""]
    for verdict in result.verdicts:
        lines += _section(verdict, lang)
    return "\n".join(lines)


def feedback_html(result: StudentResult, lang: Lang, *, title: str = "") -> str:
    """The same feedback as a standalone HTML page."""
    markdown = feedback_markdown(result, lang, title=title)
    page_title = f"{title} — {result.student_id}" if title else result.student_id
    try:
        from exercises.render import markdown_to_html

        return markdown_to_html(markdown, title=page_title, lang=lang)
    except ImportError:
        body = html.escape(markdown)
        return f"<!doctype html><html lang='{lang}'><meta charset='utf-8'><title>{html.escape(page_title)}</title><pre>{body}</pre></html>"
