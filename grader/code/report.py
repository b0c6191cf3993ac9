"""The result of checking one code submission: per-case outcomes, hints, the shrunk case, a Verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from exercises.code.core import CodeExercise
from exercises.core import Text
from grader.code.hints import Hint
from grader.code.judge import CaseOutcome
from grader.sandbox.api import Isolation
from grader.types import Finding, Verdict

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

    def feedback(self) -> list[str]:
        """Readable lines: one per case, then hints, then the shrunk case."""
        lang = self.lang
        lines = []
        if self.load_error:
            lines.append(self.load_error)
        for i, c in enumerate(self.cases, 1):
            mark = "✓" if c.passed else "✗"
            case_word = "用例" if lang == "zh" else "case"
            lines.append(
                f"{mark} {case_word} {i} [{c.group}] {c.call or _describe(c.params)}: {c.message(lang)}"
            )  # type: ignore[arg-type]
        lines += [("提示：" if lang == "zh" else "Hint: ") + h.text(lang) for h in self.hints]  # type: ignore[arg-type]
        if self.shrunk_text:
            lines.append(self.shrunk_text)
        return lines

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
        """The gradebook's view: one Finding per case, plus the isolation level."""
        findings = []
        first_fail = True
        for c in self.cases:
            kind = _KIND.get(c.status, "case_failed" if c.status != "exception" else "error")
            detail: dict[str, Any] = {"group": c.group, "params": c.params, "status": c.status}
            note = c.status
            if not c.passed and first_fail:
                detail["hints"] = [h.note for h in self.hints]
                if self.shrunk is not None:
                    detail["shrunk"] = self.shrunk
                note = self.hints[0].note if self.hints else c.status
                first_fail = False
            findings.append(Finding(kind, c.message(self.lang), note=note, detail=detail))  # type: ignore[arg-type]
        if self.load_error:
            findings.insert(0, Finding("error", self.load_error, note="load_error"))
        iso = self.isolation
        findings.append(Finding("isolation", f"isolation level {iso.level} ({iso.name})", note=iso.name,
                                detail={"mechanisms": list(iso.mechanisms), "missing": list(iso.missing)}))  # fmt: skip
        return Verdict(slot, self.exercise, round(self.score, 6), self.max_score, tuple(findings))


def _describe(params: dict[str, Any]) -> str:
    shown = {k: v for k, v in params.items() if k not in ("seed", "ints")}
    return ", ".join(f"{k}={v}" for k, v in shown.items())


def group_scores(exercise: CodeExercise, outcomes: tuple[CaseOutcome, ...]) -> float:
    """Points per group, in proportion to the group's passed cases.

    >>> from exercises.code import get
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
