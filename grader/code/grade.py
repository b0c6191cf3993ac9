"""Grade one code submission: draw cases, run them in the sandbox, judge, hint, shrink, score."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cnngrade.exercises.code import get as get_code_exercise
from cnngrade.exercises.code.core import CodeExercise
from cnngrade.exercises.core import LANGS, Text
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.code.hint_rank import collect_hints
from cnngrade.grader.code.judge import SHRINKABLE, CaseOutcome, describe_call, judge
from cnngrade.grader.code.judge_module import judge_module
from cnngrade.grader.code.main_block import strip_main_blocks
from cnngrade.grader.code.report import CodeReport, group_scores, load_error_text
from cnngrade.grader.code.run_cases import limits_for, run_invocations
from cnngrade.grader.code.shrink import as_json, show, shrink
from cnngrade.grader.code.textbook_entry import with_textbook_entry
from cnngrade.grader.sandbox.api import CallResult, Limits, RunReport
from cnngrade.grader.sandbox.forbidden import NESTED_MARK
from cnngrade.grader.types import Verdict

# the same bounds as the class run's (grader/submissions.py): a .py up to 1 MB, a notebook up to 20 MB
_MAX_SOURCE_BYTES = {".py": 1_000_000, ".ipynb": 20_000_000}


def read_source(path: str | Path, entry: str) -> str:
    """The submission's code: a .py file as is, a notebook's code cells extracted (never executed)."""
    from cnngrade.grader.folders import SubmissionFileError, read_bounded
    from cnngrade.grader.neutralize import for_terminal

    path = Path(path)
    if not path.is_file():
        shown = for_terminal(str(path), one_line=True)
        raise ValueError(f"submission file {shown!r} does not exist: pass a .py or .ipynb file")
    # bounded and never through a link: the class run checked the file, but it may be swapped since
    limit = _MAX_SOURCE_BYTES.get(path.suffix, _MAX_SOURCE_BYTES[".py"])
    data, problem = read_bounded(path, limit)
    if problem is not None:
        raise SubmissionFileError(problem)
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        from cnngrade.grader.sandbox.notebook import extract_notebook_code

        return extract_notebook_code(text, entry)
    return text


@dataclass(frozen=True)
class SubmissionRun:
    """One submission and its sandbox settings; ``judge`` runs a batch of cases in ONE sandbox run."""

    exercise: CodeExercise
    source: str
    limits: Limits | None = None
    filename: str = "submission.py"
    require_level: int | None = None
    device: Any = None
    hide_paths: tuple[str, ...] = ()

    def judge(self, cases: Sequence[Any]) -> tuple[list[CaseOutcome], RunReport]:
        """Outcomes of ``cases`` (Cases, or bare params of shrink candidates) and the raw report."""
        ex = self.exercise
        pairs = [(getattr(c, "group", "shrink"), dict(getattr(c, "params", c))) for c in cases]
        invs = [ex.build(p) for _, p in pairs]
        expected = [
            ex.expected(p, inv) for (_, p), inv in zip(pairs, invs, strict=True)
        ]  # parent only
        report = run_invocations(ex, self.source, invs, limits=self.limits, filename=self.filename,
                                 require_level=self.require_level, device=self.device,
                                 hide_paths=self.hide_paths)  # fmt: skip
        per_call = limits_for(ex, len(invs), self.limits).wall_s_per_call
        judge_one = judge_module if ex.kind == "module" else judge
        missing = CallResult("not_run", message="the run stopped before this case")
        results = list(report.results) + [missing] * (len(invs) - len(report.results))
        outcomes = [
            replace(judge_one(ex, g, p, r, e, per_call), call=describe_call(ex, inv))
            for (g, p), r, e, inv in zip(pairs, results, expected, invs, strict=True)
        ]
        return outcomes, report


def check_source(
    exercise: CodeExercise, source: str, *, seed: int = 0, lang: str = "en", limits: Limits | None = None,
    device: Any = None, filename: str = "submission.py", require_level: int | None = None,
    shrink_failures: bool = True, hide_paths: Sequence[str] = (),
) -> CodeReport:  # fmt: skip
    """Grade ``source`` (the student's code as text) on the exercise's cases for ``seed``.

    ``hide_paths``: folders hidden from the student's code besides the sandbox's defaults.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    start = time.perf_counter()
    source = strip_main_blocks(source)  # self-tests there never run, and may call forbidden APIs
    source, _ = with_textbook_entry(source, exercise)  # d2l's vgg_block / net as the entry
    run = SubmissionRun(
        exercise, source, limits, filename, require_level, device, tuple(hide_paths)
    )
    outcomes, report = run.judge(exercise.cases(rng_for(seed)))
    load_error = load_error_text(report.load_error)(lang) if report.load_error else ""
    if report.static_violations:
        outcomes = [_forbidden(o, report.static_violations) for o in outcomes]
    found = collect_hints(exercise, outcomes)
    shrunk_text, shrunk = "", None
    first = next((o for o in outcomes if o.status in SHRINKABLE), None)
    if shrink_failures and first is not None and not report.load_error:
        result = shrink(exercise, first, lambda candidates: run.judge(candidates)[0])
        if not found:  # hints from the main cases are more reliable than from a tiny one
            found = collect_hints(exercise, [result.outcome])
        shrunk_text, shrunk = show(exercise, result, lang), as_json(exercise, result)
    forbidden = report.static_violations or any(o.status == "forbidden" for o in outcomes)
    score = (
        0.0 if forbidden else group_scores(exercise, tuple(outcomes))
    )  # a forbidden use voids all
    return CodeReport(
        exercise=exercise.id, score=score, max_score=exercise.max_score, cases=tuple(outcomes),
        hints=tuple(found), isolation=report.isolation, lang=lang, shrunk_text=shrunk_text,
        shrunk=shrunk, load_error=load_error, seconds=time.perf_counter() - start,
    )  # fmt: skip


def _forbidden(o: CaseOutcome, violations: Sequence[str]) -> CaseOutcome:
    shown = "; ".join(violations)
    if any(NESTED_MARK in v for v in violations):  # the scan could not walk the file
        text = Text(
            shown,
            f"文件嵌套过深，无法分析（请把过长的调用、属性链、运算或括号拆成多条语句）：{shown}",
        )
    else:
        text = Text(shown, f"使用了本题禁止的 API：{shown}")
    return CaseOutcome(
        o.group,
        o.params,
        "forbidden",
        text,
        o.seconds,
        {"violations": list(violations)},
        call=o.call,
    )


def check(exercise_id: str, path: str | Path, *, seed: int = 0, lang: str = "en", limits: Limits | None = None,
          device: Any = None, require_level: int | None = None, shrink_failures: bool = True,
          hide_paths: Sequence[str] = ()) -> CodeReport:  # fmt: skip
    """Check one submission file (.py or .ipynb) against a code exercise.

    >>> check("nope", "x.py")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown code exercise 'nope'; known: avg_pool2d, ...
    """
    exercise = get_code_exercise(exercise_id)
    source = read_source(path, exercise.entry)
    return check_source(exercise, source, seed=seed, lang=lang, limits=limits, device=device,
                        filename=Path(path).name, require_level=require_level,
                        shrink_failures=shrink_failures, hide_paths=hide_paths)  # fmt: skip


def grade_code_file(slot: str, exercise_id: str, path: str | Path, seed: int, lang: str = "en", *,
                    limits: Limits | None = None, device: Any = None,
                    hide_paths: Sequence[str] = ()) -> Verdict:  # fmt: skip
    """Grade one student's code file for one assignment slot into a gradebook Verdict.

    ``hide_paths``: folders the student's code must not see (the class's output and submissions).
    """
    report = check(exercise_id, path, seed=seed, lang=lang, limits=limits, device=device,
                   hide_paths=hide_paths)  # fmt: skip
    return report.verdict(slot)


def grade_code(exercise: CodeExercise, source_path: str | Path, seed: int, *, slot: str | None = None,
               lang: str = "en", limits: Limits | None = None, device: Any = None,
               hide_paths: Sequence[str] = ()) -> Verdict:  # fmt: skip
    """As :func:`grade_code_file`, taking the exercise object (the name ARCHITECTURE.md lists)."""
    source = read_source(source_path, exercise.entry)
    report = check_source(exercise, source, seed=seed, lang=lang, limits=limits, device=device,
                          filename=Path(source_path).name, hide_paths=hide_paths)  # fmt: skip
    return report.verdict(slot or f"{exercise.id}.1")
