"""Problem sets and answer keys as Markdown, HTML or JSON, plus the small formatters families share.

Math is LaTeX between ``$…$`` (inline) or ``$$…$$`` (display); number and matrix writers live in
:mod:`exercises.formatting`; this module adds the canonical display of answers. The student's document
never holds an answer, a worked solution or a parameter dict; only the instructor key does.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from cnngrade.exercises.core import AnswerSpec, Lang, Problem, Text
from cnngrade.exercises.formatting import bmatrix, fmt_number, markdown_table
from cnngrade.exercises.problem_json import problem_from_json, problem_to_json
from cnngrade.exercises.registry import get as get_exercise
from cnngrade.exercises.render_html import markdown_to_html

FORMATS = ("md", "html", "json")
__all__ = [
    "FORMATS",
    "Task",
    "answer_forms",
    "answer_key",
    "answer_line",
    "answer_text",
    "fmt_int",
    "markdown_to_html",
    "problem_from_json",
    "problem_set",
    "problem_to_json",
    "shape_text",
]


# ---------------------------------------------------------------- formatters used by the families


def fmt_int(value: int) -> str:
    """An integer with thousands separators, as the slides write them.

    >>> fmt_int(60964224)
    '60,964,224'
    """
    return f"{int(value):,}"


def shape_text(shape: Sequence[int]) -> str:
    """A shape as a tuple (the canonical display of a shape answer).

    >>> shape_text([1, 6, 28, 28])
    '(1, 6, 28, 28)'
    """
    return "(" + ", ".join(str(int(v)) for v in shape) + ")"


def answer_text(value: Any, spec: AnswerSpec) -> str:
    """The canonical display of a canonical answer (what a worked solution ends with).

    >>> answer_text(400, AnswerSpec("integer"))
    '400'
    >>> answer_text([6, 28, 28], AnswerSpec("shape"))
    '(6, 28, 28)'
    """
    kind = spec.kind
    if kind == "integer":
        return fmt_int(value)
    if kind == "number":
        return fmt_number(value)
    if kind == "shape":
        return shape_text(value)
    if kind in ("int_matrix", "matrix"):
        return bmatrix(value)
    if kind == "symbolic":
        return str(value)
    return chr(ord("A") + int(value))


def answer_forms(value: Any, spec: AnswerSpec) -> tuple[str, ...]:
    """Every display of a canonical answer a worked solution may legitimately end with."""
    forms = [answer_text(value, spec)]
    if spec.kind == "integer":
        forms.append(str(int(value)))
    elif spec.kind == "shape":
        forms += ["×".join(map(str, value)), r" \times ".join(map(str, value)), str(list(value))]
    elif spec.kind in ("int_matrix", "matrix"):
        forms += [markdown_table(value), str(value)]
    elif spec.kind == "symbolic":
        forms.append(sympy.latex(sympy.sympify(value)))
    return tuple(forms)


_ANSWER_LABEL = Text("**Answer:**", "**答案：**")


def answer_line(value: Any, spec: AnswerSpec, lang: Lang) -> str:
    """The last line of a worked solution: the answer in its canonical display.

    >>> answer_line(400, AnswerSpec("integer"), "en")
    '**Answer:** 400'
    """
    return f"{_ANSWER_LABEL(lang)} {_shown(value, spec)}"


def _shown(value: Any, spec: AnswerSpec) -> str:
    """An answer inside Markdown: a matrix as display math (it keeps its rows), an expression as code."""
    text = answer_text(value, spec)
    if spec.kind in ("int_matrix", "matrix"):
        return f"$${text}$$"
    return f"`{text}`" if spec.kind == "symbolic" else text


# ---------------------------------------------------------------- documents

_HINTS = {
    "integer": Text(
        "Answer: an integer, e.g. `1234` or `1,234`.", "作答格式：整数，例如 `1234` 或 `1,234`。"
    ),
    "number": Text("Answer: a number, e.g. `0.5`.", "作答格式：实数，例如 `0.5`。"),
    "shape": Text(
        "Answer: a shape, e.g. `(2, 3, 7, 9)` or `2x3x7x9`.",
        "作答格式：形状，例如 `(2, 3, 7, 9)` 或 `2x3x7x9`。",
    ),
    "int_matrix": Text(
        "Answer: an integer matrix, rows separated by `;`, e.g. `1 2; 3 4`.",
        "作答格式：整数矩阵，行之间用 `;` 分隔，例如 `1 2; 3 4`。",
    ),
    "matrix": Text(
        "Answer: a matrix, rows separated by `;`, e.g. `0.1 0.2; 0.3 0.4`.",
        "作答格式：矩阵，行之间用 `;` 分隔，例如 `0.1 0.2; 0.3 0.4`。",
    ),
    "symbolic": Text(
        "Answer: an expression, e.g. `k**2*C/g`.", "作答格式：表达式，例如 `k**2*C/g`。"
    ),
    "choice": Text("Answer: one letter.", "作答格式：一个字母。"),
}
_L = {
    "student": Text("Student", "学生"),
    "points": Text("points", "分"),
    "total": Text("Total", "总分"),
    "key": Text("Answer key", "答案"),
    "solution": Text("Worked solution", "解答过程"),
    "wrong": Text("Misconception answers", "典型错误答案"),
    "task": Text("Programming task", "编程题"),
}


@dataclass(frozen=True)
class Task:
    """A code exercise shown in a problem set (graded from a source file, so no answer here)."""

    slot: str
    title: str
    statement: str
    points: float


def _title(problem: Problem) -> str:
    return get_exercise(problem.exercise_id).title(problem.lang)


def _choices_md(problem: Problem) -> str:
    options = problem.spec.choices
    return "\n".join(f"- **{chr(ord('A') + i)}.** {c(problem.lang)}" for i, c in enumerate(options))


def _problem_md(index: int, problem: Problem) -> list[str]:
    lang = problem.lang
    parts = [
        f"## {index}. {_title(problem)} ({_points(problem.points, lang)})",
        "",
        problem.prompt,
        "",
    ]
    if problem.spec.kind == "choice":
        parts += [_choices_md(problem), ""]
    parts += [f"*{_HINTS[problem.spec.kind](lang)}* `[{problem.slot}]`", ""]
    return parts


def _points(points: float, lang: Lang) -> str:
    """``1 point`` / ``2 points`` / ``2 分``."""
    unit = "point" if lang == "en" and points == 1 else _L["points"](lang)
    return f"{points:g} {unit}"


def _header(title: str, student_id: str, lang: Lang, total: float, key: bool) -> list[str]:
    suffix = f" — {_L['key'](lang)}" if key else ""
    colon = "：" if lang == "zh" else ": "
    line = f"{_L['student'](lang)}{colon}`{student_id}` · {_L['total'](lang)}{colon}{_points(total, lang)}"
    return [f"# {title}{suffix}", "", line, ""]


def problem_set_markdown(
    problems: Sequence[Problem],
    *,
    title: str,
    student_id: str,
    lang: Lang,
    tasks: Sequence[Task] = (),
) -> str:
    """A student's problem set in Markdown: prompts, answer formats, code tasks; no answers."""
    total = sum(p.points for p in problems) + sum(t.points for t in tasks)
    parts = _header(title, student_id, lang, total, key=False)
    for i, problem in enumerate(problems, 1):
        parts += _problem_md(i, problem)
    for j, task in enumerate(tasks, len(problems) + 1):
        head = f"## {j}. {_L['task'](lang)}: {task.title} ({_points(task.points, lang)})"
        parts += [head, "", task.statement, "", f"`[{task.slot}]`", ""]
    return "\n".join(parts)


def answer_key_markdown(
    problems: Sequence[Problem], *, title: str, student_id: str, lang: Lang
) -> str:
    """The instructor's key for one student: each prompt, answer, worked solution, wrong answers."""
    parts = _header(title, student_id, lang, sum(p.points for p in problems), key=True)
    for i, problem in enumerate(problems, 1):
        parts += _problem_md(i, problem)
        parts += [
            answer_line(problem.answer, problem.spec, lang),
            "",
            f"### {_L['solution'](lang)}",
            "",
        ]
        parts += [problem.solution, ""]
        if problem.misconception_answers:
            parts += [f"### {_L['wrong'](lang)}", ""]
            parts += [
                f"- `{note}`: {_shown(value, problem.spec)}"
                for note, value in problem.misconception_answers.items()
            ]
            parts.append("")
    return "\n".join(parts)


def problem_set_json(
    problems: Sequence[Problem],
    *,
    title: str,
    student_id: str,
    lang: Lang,
    tasks: Sequence[Task] = (),
) -> str:
    """A student's problem set as JSON: prompts and answer kinds only (no params, no answers)."""
    items = [
        {
            "slot": p.slot,
            "exercise_id": p.exercise_id,
            "title": _title(p),
            "prompt": p.prompt,
            "kind": p.spec.kind,
            "choices": [c(p.lang) for c in p.spec.choices],
            "points": p.points,
        }
        for p in problems
    ]
    body = {
        "title": title,
        "student": student_id,
        "lang": lang,
        "problems": items,
        "tasks": [dataclasses.asdict(t) for t in tasks],
    }
    return json.dumps(body, ensure_ascii=False, indent=1)


def answer_key_json(problems: Sequence[Problem], *, title: str, student_id: str, lang: Lang) -> str:
    """The instructor key as JSON: every field of every Problem."""
    body = {
        "title": title,
        "student": student_id,
        "lang": lang,
        "problems": [problem_to_json(p) for p in problems],
    }
    return json.dumps(body, ensure_ascii=False, indent=1)


def problem_set(
    problems: Sequence[Problem],
    fmt: str,
    *,
    title: str,
    student_id: str,
    lang: Lang,
    tasks: Sequence[Task] = (),
) -> str:
    """A student's problem set in ``fmt`` (md | html | json); never an answer or a solution.

    >>> from exercises.instantiate import instantiate
    >>> from exercises.registry import get
    >>> p = instantiate(get("find_stride"), 1, lang="en")
    >>> page = problem_set([p], "md", title="HW", student_id="s1", lang="en")
    >>> p.prompt in page, p.solution in page
    (True, False)
    """
    _check_format(fmt)
    if fmt == "json":
        return problem_set_json(
            problems, title=title, student_id=student_id, lang=lang, tasks=tasks
        )
    md = problem_set_markdown(problems, title=title, student_id=student_id, lang=lang, tasks=tasks)
    return md if fmt == "md" else markdown_to_html(md, title=title, lang=lang)


def answer_key(
    problems: Sequence[Problem], fmt: str, *, title: str, student_id: str, lang: Lang
) -> str:
    """The instructor key for one student in ``fmt`` (md | html | json)."""
    _check_format(fmt)
    if fmt == "json":
        return answer_key_json(problems, title=title, student_id=student_id, lang=lang)
    md = answer_key_markdown(problems, title=title, student_id=student_id, lang=lang)
    return md if fmt == "md" else markdown_to_html(md, title=title, lang=lang)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r} is not supported; use one of {FORMATS}")
