"""Plain data that flows through the grader: submissions in, findings and verdicts out.

Shared by answer grading and code grading, so one gradebook holds both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Finding kinds. ``format`` costs no attempt; ``misconception`` names a known wrong rule.
FINDING_KINDS = (
    "correct",
    "partial",
    "wrong",
    "misconception",
    "format",
    "missing",
    "error",
    "case_passed",
    "case_failed",
    "forbidden",
    "timeout",
    "isolation",
)


@dataclass(frozen=True)
class Finding:
    """One thing the grader found, phrased for the student.

    ``note`` is the answer note for analytics (a misconception name, ``"format"``, ``"correct"`` ...).
    ``detail`` is JSON-serializable extra data (indices, expected/actual shapes, a shrunk case).
    """

    kind: str
    message: str
    note: str | None = None
    score: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """The grade of one exercise slot for one student."""

    slot: str
    exercise_id: str
    score: float
    max_score: float
    findings: tuple[Finding, ...] = ()
    counts_attempt: bool = True

    @property
    def passed(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score - 1e-9


@dataclass(frozen=True)
class Submission:
    """What one student handed in: raw answer strings and code files, keyed by exercise slot."""

    student_id: str
    answers: dict[str, str] = field(default_factory=dict)
    code_files: dict[str, Path] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    #: code slots whose file was there but refused (a link, not a regular file, too large): why
    rejected: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StudentResult:
    """Every verdict for one student, plus anything that stopped part of the grading."""

    student_id: str
    verdicts: tuple[Verdict, ...]
    errors: tuple[str, ...] = ()
    isolation: str | None = None

    @property
    def score(self) -> float:
        return sum(v.score for v in self.verdicts)

    @property
    def max_score(self) -> float:
        return sum(v.max_score for v in self.verdicts)
