"""Per-student feedback in the student's language: Markdown, and an HTML page built from the same parts.

One section per slot (score, then each finding's message; the worked solution when the instructor
enabled it), and at the top anything that stopped part of the grading (unreadable files, unknown
slots). The expected answers appear only inside worked solutions. Messages may quote what a student
typed (answers, file and folder names, exception text, printed output), so everything but the bank's
worked solutions goes through :mod:`cnngrade.grader.neutralize`: in Markdown every special character
is escaped (no link, image, autolink, raw HTML or heading can come from a message) and further lines
sit in a fence nothing inside can close; in HTML everything is escaped; in both, control and invisible
characters (terminal escapes, bidi overrides) are shown as their escapes.
"""

from __future__ import annotations

import html
import re

from cnngrade.exercises.core import Lang, Text
from cnngrade.exercises.render_html import html_page, markdown_body, text_to_html
from cnngrade.grader.neutralize import for_html, for_markdown, for_terminal
from cnngrade.grader.types import Finding, StudentResult, Verdict

__all__ = [
    "exercise_title",
    "feedback_html",
    "feedback_markdown",
    "finding_mark",
    "finding_solution",
]

_T = {
    "title": Text("Feedback", "反馈"),
    "student": Text("Student:", "学生："),
    "total": Text("Total:", "总分："),
    "problems": Text("Problems with the submission", "提交中的问题"),
    "solution": Text("Worked solution", "详细解答"),
    "note": Text("answer note", "答案标记"),
}
_MARK = {"correct": "✓", "case_passed": "✓", "format": "⚠", "missing": "–", "isolation": "ℹ"}


def _safe_md(text: str) -> str:
    """Student-quoting text for one Markdown line: plain text whatever it holds."""
    return for_markdown(text, one_line=True)


def _note_md(note: str | None) -> str:
    """An answer note in code style when it is an identifier (the bank's), else escaped text."""
    return f"`{note}`" if note and re.fullmatch(r"[A-Za-z0-9_.:-]+", note) else _safe_md(note or "")


def _md_block(text: str) -> list[str]:
    """Further lines of a message (a shrunk case: one matrix row per line) as a code block inside
    the list item; the fence is longer than any run of backticks in the text. Lines that could read
    as a link or a tag (a fence keeps them inert, but a scanner of the file would still find them)
    are escaped lines with hard breaks instead."""
    if not text:
        return []
    text = for_terminal(text).replace("\t", "    ")
    if _LINK_LIKE.search(text):
        lines = [_md_line(line) for line in text.split("\n")]
        return ["", *(f"  {line}\\" for line in lines[:-1]), f"  {lines[-1]}", ""]
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    return ["", f"  {fence}text", *(f"  {line}" for line in text.split("\n")), f"  {fence}", ""]


_LINK_LIKE = re.compile(r"[<>]|\]\s*\(|!\[|//|www\.|@", re.IGNORECASE)


def _md_line(line: str) -> str:
    """One escaped line of a block, its indentation kept (as no-break spaces Markdown keeps)."""
    body = line.lstrip(" ")
    return "&nbsp;" * (len(line) - len(body)) + (for_markdown(body) or "&nbsp;")


def _score(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def finding_mark(finding: Finding) -> str:
    """The mark a finding is shown with: ✓ passed, ◐ partial credit, ✗ wrong, ⚠ format, – missing."""
    return _MARK.get(finding.kind, "◐" if finding.score > 0 else "✗")


def finding_solution(finding: Finding) -> str | None:
    """The worked solution a finding carries (shown only when the instructor enabled it)."""
    return finding.detail.get("solution") if isinstance(finding.detail, dict) else None


def exercise_title(verdict: Verdict, lang: Lang) -> str:
    """The exercise's title from the bank (answer or code), else its id."""
    from cnngrade.exercises import registry
    from cnngrade.exercises.assignment import code_registry

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


def _heading(verdict: Verdict, lang: Lang) -> str:
    return f"{verdict.slot} · {exercise_title(verdict, lang)} — {_score(verdict.score)} / {_score(verdict.max_score)}"


def _page_title(result: StudentResult, lang: Lang, title: str) -> str:
    return f"{title} — {_T['title'](lang)}" if title else _T["title"](lang)


def feedback_markdown(result: StudentResult, lang: Lang, *, title: str = "") -> str:
    """The student's feedback as Markdown.

    >>> r = StudentResult("s1", (Verdict("x.1", "x", 1.0, 1.0, (Finding("correct", "Correct."),)),))
    >>> print(feedback_markdown(r, "en", title="hw1").splitlines()[0])
    # hw1 — Feedback
    """
    lines = [
        f"# {_safe_md(_page_title(result, lang, title))}",
        "",
        f"**{_T['student'](lang)}** {_safe_md(result.student_id)}  ",
        f"**{_T['total'](lang)}** {_score(result.score)} / {_score(result.max_score)}",
        "",
    ]
    if result.errors:
        lines += (
            [f"### {_T['problems'](lang)}", ""] + [f"- {_safe_md(e)}" for e in result.errors] + [""]
        )
    for verdict in result.verdicts:
        lines += [f"## {for_terminal(_heading(verdict, lang), one_line=True)}", ""]  # trusted text
        for f in verdict.findings:
            note = (
                f" *({_T['note'](lang)}: {_note_md(f.note)})*" if f.kind == "misconception" else ""
            )
            first, _, rest = f.message.partition("\n")
            lines.append(f"- {finding_mark(f)} {_safe_md(first)}{note}")
            lines += _md_block(rest)
            if solution := finding_solution(f):
                summary = _T["solution"](lang)
                lines += [
                    "",
                    f"<details><summary>{summary}</summary>",
                    "",
                    solution,
                    "",
                    "</details>",
                ]
        lines.append("")
    return "\n".join(lines)


def _message_html(message: str) -> str:
    """A finding's message: its first line with formulas as MathML, further lines (a shrunk case's
    inputs and outputs, one matrix row per line) kept as they are in ``<pre>``."""
    first, _, rest = message.partition("\n")
    shown = text_to_html(for_terminal(first))
    return shown + (f"<pre>{for_html(rest)}</pre>" if rest else "")


def _verdict_html(verdict: Verdict, lang: Lang) -> list[str]:
    parts = [f"<h2>{text_to_html(_heading(verdict, lang))}</h2>", "<ul>"]
    solutions = []
    for f in verdict.findings:
        note = (
            f" <em>({_T['note'](lang)}: <code>{html.escape(f.note or '')}</code>)</em>"
            if f.kind == "misconception"
            else ""
        )
        parts.append(f"<li>{finding_mark(f)} {_message_html(f.message)}{note}</li>")
        if solution := finding_solution(f):
            solutions.append(solution)
    parts.append("</ul>")
    for solution in solutions:
        parts += [
            f"<details><summary>{_T['solution'](lang)}</summary>",
            markdown_body(solution),
            "</details>",
        ]
    return parts


def feedback_html(result: StudentResult, lang: Lang, *, title: str = "") -> str:
    """The same feedback as a standalone HTML page that works offline (formulas as MathML).

    >>> r = StudentResult("s1", (Verdict("x.1", "x", 0.0, 1.0, (Finding("wrong", "1 < 2 & <b>"),)),))
    >>> "1 &lt; 2 &amp; &lt;b&gt;" in feedback_html(r, "en")
    True
    """
    heading = _page_title(result, lang, title)
    body = [
        f"<h1>{html.escape(heading)}</h1>",
        f"<p><strong>{_T['student'](lang)}</strong> {for_html(result.student_id)}<br>"
        f"<strong>{_T['total'](lang)}</strong> {_score(result.score)} / {_score(result.max_score)}</p>",
    ]
    if result.errors:
        items = "".join(f"<li>{for_html(e)}</li>" for e in result.errors)
        body += [f"<h3>{_T['problems'](lang)}</h3>", f"<ul>{items}</ul>"]
    for verdict in result.verdicts:
        body += _verdict_html(verdict, lang)
    style = "li{margin:.2em 0}li pre{margin:.3em 0}"
    return html_page(
        "\n".join(body),
        title=f"{heading} — {for_terminal(result.student_id, one_line=True)}",
        lang=lang,
        style=style,
    )
