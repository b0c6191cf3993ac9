"""The instructor's class report: one self-contained, offline HTML page (figures as inline SVG).

Sections: the score distribution; per slot its difficulty, discrimination, full marks, format
problems, missing work and misconceptions (a table and two figures); the most frequent
misconceptions of each slot as bars; the students whose submissions had problems. Every string a
student controls (ids, error texts) goes through :func:`grader.neutralize.for_html`.
"""

from __future__ import annotations

import html
import math
import statistics
from pathlib import Path

from cnngrade.exercises.core import Lang, Text
from cnngrade.exercises.render_html import html_page
from cnngrade.grader.gradebook import gradebook_frame
from cnngrade.grader.neutralize import for_html
from cnngrade.grader.report import figures
from cnngrade.grader.report.data import (
    ClassData,
    StudentProblems,
    load_class,
    misconception_counts,
    student_problems,
)
from cnngrade.grader.report.stats import slot_statistics
from cnngrade.grader.store import atomic_write_text

__all__ = ["REPORT_FILE", "report_html", "write_report"]

REPORT_FILE = "report.html"
_TOP = 8  # misconceptions shown per slot
_T = {
    "report": Text("Class report", "班级报告"),
    "summary": Text(
        "{n} students · mean {mean} / {max} · median {median} · standard deviation {sd} · "
        "{problems} with problems",
        "{n} 名学生 · 平均分 {mean} / {max} · 中位数 {median} · 标准差 {sd} · {problems} 名提交有问题",
    ),
    "distribution": Text("Score distribution", "分数分布"),
    "score": Text("total score", "总分"),
    "mean": Text("mean", "平均"),
    "students": Text("students", "学生人数"),
    "slots": Text("Slots", "各题分析"),
    "slot": Text("slot", "题号"),
    "exercise": Text("exercise", "练习"),
    "kind": Text("kind", "类型"),
    "points": Text("points", "分值"),
    "difficulty": Text("difficulty", "难度"),
    "discrimination": Text("discrimination", "区分度"),
    "difficulty_long": Text("difficulty: mean score fraction", "难度：平均得分率"),
    "discrimination_long": Text("discrimination: r with the rest", "区分度：与其余题目的相关 r"),
    "full": Text("full marks", "满分"),
    "format": Text("format", "格式问题"),
    "missing": Text("missing", "未作答"),
    "misconceptions": Text("misconception", "典型错误"),
    "fig_slots": Text(
        "Difficulty (share of the points the class earned) and discrimination per slot",
        "各题难度（全班得分率）与区分度",
    ),
    "fig_counts": Text("Format problems and missing work per slot", "各题的格式问题与未作答人数"),
    "top": Text("Most frequent misconceptions per slot", "各题最常见的典型错误"),
    "none_found": Text("No misconception was diagnosed on any slot.", "各题均未诊断出典型错误。"),
    "problems": Text("Students whose submissions had problems", "提交有问题的学生"),
    "no_problems": Text("No submission had a problem.", "所有提交均无问题。"),
    "student": Text("student", "学生"),
    "what": Text("problems", "问题"),
    "fault": Text("grader fault (rerun to retry)", "评分程序故障（重新运行即可重试）"),
    "forbidden": Text("forbidden API", "使用了禁止的 API"),
    "timeout": Text("time limit", "超时"),
    "crashed": Text("crashed or unreadable", "运行出错或无法读取"),
    "all": Text("all {n} slots", "全部 {n} 题"),
    "na": Text("n/a: everyone scored the same", "n/a：所有人得分相同"),
    "definition": Text(
        "Discrimination is the corrected item-total correlation: the Pearson correlation between "
        "the students' scores on the slot and their scores on the rest of the test (the point-biserial "
        "correlation for all-or-nothing slots). About 0.4 or more discriminates very well, 0.2 to "
        "0.4 acceptably, below 0.2 poorly; a negative value means stronger students do worse on "
        "that slot: check its key.",
        "区分度为校正后的题总相关：学生在该题的得分与其在其余题目上的得分之间的皮尔逊相关系数"
        "（满分或零分的题即点二列相关）。约 0.4 以上区分度很好，0.2–0.4 尚可，低于 0.2 较差；"
        "负值表示成绩好的学生在该题上反而得分低，请检查答案。",
    ),
}
_STYLE = """body{max-width:62em}figure{margin:1em 0}figure svg{max-width:100%;height:auto}
figcaption{font-weight:600;margin:.3em 0}td.l,th.l{text-align:left}th{vertical-align:bottom}
.grid{display:flex;flex-wrap:wrap;gap:0 2em}.grid figure{flex:1 1 24em;max-width:30em}
.note{color:#555;font-size:.9em}.who{white-space:nowrap}"""


def write_report(out_dir: str | Path, *, lang: Lang | None = None) -> Path:
    """Write ``OUT/report.html`` for a graded class folder and return its path.

    Args:
        lang: ``en`` or ``zh``; default the assignment's language.
    """
    if lang is not None and lang not in ("en", "zh"):
        raise ValueError(f"--lang must be en or zh, got {lang!r}")
    data = load_class(out_dir)
    chosen: Lang = lang or ("zh" if data.language == "zh" else "en")
    path = Path(out_dir) / REPORT_FILE
    atomic_write_text(path, report_html(data, chosen), durable=False)
    return path


def report_html(data: ClassData, lang: Lang) -> str:
    """The report page for a loaded class."""
    book = gradebook_frame(data.results, data.slots)
    points = {s.slot: float(s.points) for s in data.slots}
    stats = slot_statistics(book, points)
    problems = student_problems(data.results)
    title = f"{data.title or data.assignment_id or 'cnngrade'} — {_T['report'](lang)}"
    body = [f"<h1>{html.escape(title)}</h1>", _summary(book, len(problems), lang)]
    body += _distribution(book, lang)
    body += _slot_section(data, stats, lang)
    body += _misconception_section(data, lang)
    body += _problem_section(problems, len(data.slots), lang)
    return html_page("\n".join(body), title=title, lang=lang, style=_STYLE)


def _num(x: float) -> str:
    return "—" if isinstance(x, float) and math.isnan(x) else f"{x:.3g}"


def _summary(book, n_problems: int, lang: Lang) -> str:
    totals = book["total"].tolist()
    most = float(book["max"].iloc[0]) if len(book) else 0.0
    text = _T["summary"](lang).format(
        n=len(totals),
        mean=_num(statistics.fmean(totals)) if totals else "—",
        max=_num(most),
        median=_num(statistics.median(totals)) if totals else "—",
        sd=_num(statistics.pstdev(totals)) if totals else "—",
        problems=n_problems,
    )
    return f"<p>{html.escape(text)}</p>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure><figcaption>{html.escape(caption)}</figcaption>{svg}</figure>"


def _distribution(book, lang: Lang) -> list[str]:
    most = float(book["max"].iloc[0]) if len(book) else 0.0
    svg = figures.histogram_svg(
        book["total"].tolist(), most, xlabel=_T["score"](lang), ylabel=_T["students"](lang),
        mean=_T["mean"](lang),
    )  # fmt: skip
    return [f"<h2>{_T['distribution'](lang)}</h2>", f"<figure>{svg}</figure>"]


def _slot_section(data: ClassData, stats, lang: Lang) -> list[str]:
    ids = [s.slot for s in data.slots]
    counts = {s.slot: _slot_counts(data, s.slot) for s in data.slots}
    heads = ("slot", "exercise", "kind", "points", "difficulty", "discrimination", "full",
             "format", "missing", "misconceptions")  # fmt: skip
    rows = []
    for slot, stat in zip(data.slots, stats.itertuples(index=False), strict=True):
        full, fmt, missing, wrong = counts[slot.slot]
        cells = [html.escape(slot.slot), html.escape(slot.exercise_id), html.escape(slot.kind)]
        cells += [_num(slot.points), _num(stat.difficulty), _num(stat.discrimination)]
        cells += [str(full), str(fmt), str(missing), str(wrong)]
        rows.append("<tr>" + "".join(
            f'<td class="l">{c}</td>' if i < 3 else f"<td>{c}</td>" for i, c in enumerate(cells)
        ) + "</tr>")  # fmt: skip
    header = "".join(
        f'<th class="l">{_T[h](lang)}</th>' if i < 3 else f"<th>{_T[h](lang)}</th>"
        for i, h in enumerate(heads)
    )
    paired = figures.paired_bars_svg(
        ids, stats["difficulty"].tolist(), stats["discrimination"].tolist(),
        titles=(_T["difficulty_long"](lang), _T["discrimination_long"](lang)),
        limits=((0, 1), (min([-0.2, *(v - 0.05 for v in stats["discrimination"] if v == v)]), 1)),
        guides=((), (0.2, 0.4)),
    )  # fmt: skip
    formats = figures.paired_bars_svg(
        ids, [counts[i][1] for i in ids], [counts[i][2] for i in ids],
        titles=(_T["format"](lang), _T["missing"](lang)),
        limits=((0, max(1, len(data.results))), (0, max(1, len(data.results)))),
    )  # fmt: skip
    return [
        f"<h2>{_T['slots'](lang)}</h2>",
        f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
        f'<p class="note">{html.escape(_T["definition"](lang))} — = {_T["na"](lang)}</p>',
        _figure(paired, _T["fig_slots"](lang)),
        _figure(formats, _T["fig_counts"](lang)),
    ]


def _slot_counts(data: ClassData, slot: str) -> tuple[int, int, int, int]:
    """Students with full marks, a format problem, missing work, a named misconception."""
    verdicts = [v for r in data.results for v in r.verdicts if v.slot == slot]
    kinds = [{f.kind for f in v.findings} for v in verdicts]
    return (
        sum(v.passed for v in verdicts),
        sum("format" in k for k in kinds),
        sum("missing" in k for k in kinds),
        sum("misconception" in k for k in kinds),
    )


def _misconception_section(data: ClassData, lang: Lang) -> list[str]:
    parts = []
    for slot in data.slots:
        counts = misconception_counts(data.results, slot.slot).most_common(_TOP)
        if counts:
            svg = figures.bars_svg(
                [note for note, _ in counts], [c for _, c in counts], xlabel=_T["students"](lang)
            )
            parts.append(_figure(svg, f"{slot.slot} · {slot.exercise_id}"))
    shown = (
        f'<div class="grid">{"".join(parts)}</div>' if parts else f"<p>{_T['none_found'](lang)}</p>"
    )
    return [f"<h2>{_T['top'](lang)}</h2>", shown]


def _problem_cell(p: StudentProblems, n_slots: int, lang: Lang) -> str:
    items = [f"<strong>{_T['fault'](lang)}</strong>"] if p.fault else []
    for key, slots in (("missing", p.missing), ("format", p.format), ("forbidden", p.forbidden),
                       ("timeout", p.timeout), ("crashed", p.crashed)):  # fmt: skip
        if slots:
            shown = (
                _T["all"](lang).format(n=n_slots)
                if len(slots) == n_slots
                else ", ".join(for_html(s) for s in slots)
            )
            items.append(f"{_T[key](lang)}: {shown}")
    items += [for_html(e[:300] + ("…" if len(e) > 300 else "")) for e in p.errors]
    return "<br>".join(items)


def _problem_section(problems: list[StudentProblems], n_slots: int, lang: Lang) -> list[str]:
    head = f"<h2>{_T['problems'](lang)}</h2>"
    if not problems:
        return [head, f"<p>{_T['no_problems'](lang)}</p>"]
    rows = "".join(
        f'<tr><td class="l who">{for_html(p.student_id)}</td>'
        f'<td class="l">{_problem_cell(p, n_slots, lang)}</td></tr>'
        for p in problems
    )
    header = f'<tr><th class="l who">{_T["student"](lang)}</th><th class="l">{_T["what"](lang)}</th></tr>'
    return [head, f"<table><thead>{header}</thead><tbody>{rows}</tbody></table>"]
