"""The result of checking one code submission: per-case outcomes, hints, the shrunk case, a Verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cnngrade.exercises.code.core import CodeExercise
from cnngrade.exercises.core import Text
from cnngrade.grader.code.hints import Hint
from cnngrade.grader.code.judge import CaseOutcome
from cnngrade.grader.sandbox.api import Isolation
from cnngrade.grader.types import Finding, Verdict

_KIND = {
    "passed": "case_passed",
    "forbidden": "forbidden",
    "timeout": "timeout",
    "crashed": "error",
}


@dataclass(frozen=True)
class CodeReport:
    """Everything ``cnngrade check`` reports. ``passed`` is true only if every case passed."""

    exercise: str
    score: float
    max_score: float
    cases: tuple[CaseOutcome, ...]
    hints: tuple[Hint, ...]
    isolation: Isolation
    lang: str
    shrunk_text: str = ""
    shrunk: dict[str, Any] | None = None
    load_error: str = ""
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(c.passed for c in self.cases) and not self.load_error

    def case_line(self, i: int, c: CaseOutcome, mark: bool = True) -> str:
        """``✗ case 3 [stride] x (1, 2, 7, 7), ...: output: expected shape ..., got ...``."""
        word = "用例" if self.lang == "zh" else "case"
        sign = ("✓ " if c.passed else "✗ ") if mark else ""
        message = c.message(self.lang)  # type: ignore[arg-type]
        return f"{sign}{word} {i} [{c.group}] {c.call or _describe(c.params)}: {message}"

    def hint_line(self, h: Hint) -> str:
        return ("提示：" if self.lang == "zh" else "Hint: ") + h.text(self.lang)  # type: ignore[arg-type]

    def feedback(self) -> list[str]:
        """Readable lines: one per case, then hints, then the shrunk case."""
        lines = [self.load_error] if self.load_error else []
        lines += [self.case_line(i, c) for i, c in enumerate(self.cases, 1)]
        lines += [self.hint_line(h) for h in self.hints]
        return lines + ([self.shrunk_text] if self.shrunk_text else [])

    def to_json(self) -> dict[str, Any]:
        """One JSON object: exercise, score, max_score, passed, cases, feedback, isolation, hints."""
        iso = self.isolation
        return {
            "exercise": self.exercise,
            "score": round(self.score, 6),
            "max_score": self.max_score,
            "passed": self.passed,
            "cases": [
                {
                    "group": c.group,
                    "call": c.call,
                    "params": c.params,
                    "status": c.status,
                    "passed": c.passed,
                    "message": c.message(self.lang),
                    "seconds": round(c.seconds, 4),
                }  # type: ignore[arg-type]
                for c in self.cases
            ],  # fmt: skip
            "feedback": self.feedback(),
            "hints": [{"note": h.note, "message": h.text(self.lang)} for h in self.hints],  # type: ignore[arg-type]
            "shrunk": self.shrunk,
            "isolation": {
                "level": iso.level,
                "name": iso.name,
                "mechanisms": list(iso.mechanisms),
                "missing": list(iso.missing),
            },  # fmt: skip
            "seconds": round(self.seconds, 3),
        }

    def verdict(self, slot: str) -> Verdict:
        """The gradebook's view: one Finding per case (its feedback line), each hint as a
        ``misconception``, the shrunk case, and the isolation level."""
        findings = [Finding("error", self.load_error, note="load_error")] if self.load_error else []
        for i, c in enumerate(self.cases, 1):
            kind = _KIND.get(c.status, "error" if c.status == "exception" else "case_failed")
            detail = {"group": c.group, "params": c.params, "status": c.status}
            findings.append(
                Finding(kind, self.case_line(i, c, mark=False), note=c.status, detail=detail)
            )
        findings += [Finding("misconception", self.hint_line(h), note=h.note) for h in self.hints]
        if self.shrunk is not None:
            findings.append(
                Finding("case_failed", self.shrunk_text, note="shrunk_case", detail=self.shrunk)
            )
        iso = self.isolation
        findings.append(Finding("isolation", f"isolation level {iso.level} ({iso.name})", note=iso.name,
                                detail={"mechanisms": list(iso.mechanisms), "missing": list(iso.missing)}))  # fmt: skip
        return Verdict(slot, self.exercise, round(self.score, 6), self.max_score, tuple(findings))


def _describe(params: dict[str, Any]) -> str:
    shown = {k: v for k, v in params.items() if k not in ("seed", "ints")}
    return ", ".join(f"{k}={v}" for k, v in shown.items())


def group_scores(exercise: CodeExercise, outcomes: tuple[CaseOutcome, ...]) -> float:
    """Points per group, in proportion to the group's passed cases.

    >>> from cnngrade.exercises.code import get
    >>> ok = CaseOutcome("basic", {}, "passed", Text("", ""))
    >>> bad = CaseOutcome("basic", {}, "wrong", Text("", ""))
    >>> group_scores(get("corr2d"), (ok, bad))  # basic is worth 1 point, "shapes" has no outcome
    0.5
    """
    total = 0.0
    for g in exercise.groups:
        mine = [o for o in outcomes if o.group == g.name]
        if mine:
            total += g.points * sum(o.passed for o in mine) / len(mine)
    return total


def load_error_text(message: str) -> Text:
    """The load failure for the student (the sandbox may already have said "could not be loaded")."""
    prefix = "your file could not be loaded: "
    detail = message[len(prefix) :] if message.startswith(prefix) else message
    return Text(prefix + detail, f"无法加载你的文件：{detail}")
