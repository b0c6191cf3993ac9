"""Grading one student: a list of small named steps with one signature, ``step(job, settings) -> job``.

As in nbgrader, the order is data (:data:`STEPS`) and each step does one thing:

1. ``RegenerateProblems`` — the student's variants from the manifest and the student id (nothing but
   the answers is trusted from a submission). Must come first: reading needs the slot ids.
2. ``ReadSubmission`` — answers and code files from the student's folder; unreadable → errors.
3. ``GradeAnswers`` — every answer slot (after 1 and 2).
4. ``GradeCode`` — every code slot through ``grader.code.grade_code_file`` (imported lazily: without
   it the slot gets an error finding, not a crash), in the sandbox with the output, submissions and
   course-key folders hidden (``hide_paths``) and the manifest's per-case ``seconds``. Its cases are
   drawn from ``graded_case_seed(..., course key)``: a student cannot compute them at home.
5. ``WriteFeedback`` — Markdown and HTML in the student's language (before 6: a stored result means
   "done", so everything else must already be on disk when it lands).
6. ``SaveResult`` — the atomic per-student JSON; always last.

A step never raises for anything a student did: failures become findings or ``job.errors``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from cnngrade.exercises.assignment import Assignment, Slot, personal_problems
from cnngrade.exercises.core import Lang, Problem, Text
from cnngrade.exercises.seeding import graded_case_seed, variant_seed
from cnngrade.grader import folders
from cnngrade.grader.answers import grade_answer, missing_verdict
from cnngrade.grader.course_key import CourseKey
from cnngrade.grader.feedback import feedback_html, feedback_markdown
from cnngrade.grader.store import ResultStore, atomic_write_text, file_stem
from cnngrade.grader.submissions import read_submission
from cnngrade.grader.types import Finding, StudentResult, Submission, Verdict

__all__ = [
    "STEPS",
    "Job",
    "Settings",
    "code_case_seed",
    "feedback_is_current",
    "grade_code_slot",
    "grader_faulted",
    "run_steps",
    "scaled_to_slot",
    "student_result",
    "write_feedback",
]


@dataclass(frozen=True)
class Settings:
    """What is the same for every student of a class run."""

    assignment: Assignment
    manifest_text: str
    out_dir: Path
    show_solutions: bool = False
    submissions_dir: Path | None = None
    #: where torch-based code exercises run ("cpu", "cuda"); None: the grader's default (cpu)
    device: str | None = None
    #: the course secret graded code cases are drawn with (``grade_class`` always sets it; without
    #: one, code slots fall back to the public self-check seed: for tests and direct API use only)
    course_key: CourseKey | None = None
    #: the file ``course_key`` was read from (hidden from student code with its folder)
    course_key_file: Path | None = None

    def hidden_paths(self) -> tuple[str, ...]:
        """Folders hidden from student code in the sandbox: our output, the submissions, the key's."""
        key_folder = self.course_key_file.parent if self.course_key_file is not None else None
        folders = (self.out_dir, self.submissions_dir, key_folder)
        return tuple(str(Path(f).resolve()) for f in folders if f is not None)


@dataclass(frozen=True)
class Job:
    """One student's grading as it moves through the steps."""

    student_id: str
    folder: Path | None
    lang: Lang
    fingerprint: str = ""
    problems: tuple[Problem, ...] = ()
    submission: Submission | None = None
    verdicts: tuple[Verdict, ...] = ()
    errors: tuple[str, ...] = ()
    feedback_digest: str = ""


class Step(Protocol):
    def __call__(self, job: Job, settings: Settings) -> Job: ...


#: answer note of a verdict the grader itself failed to produce (retried on the next run)
GRADER_FAULT = "grader_error"


def grader_faulted(verdict: Verdict) -> bool:
    """True when the grader itself, not the student's work, failed on this slot."""
    return any(f.note == GRADER_FAULT for f in verdict.findings)


def _error_verdict(
    slot: str, exercise_id: str, points: float, message: str, note: str = "error"
) -> Verdict:
    finding = Finding("error", message, note=note)
    return Verdict(slot, exercise_id, 0.0, float(points), (finding,))


class RegenerateProblems:
    def __call__(self, job: Job, settings: Settings) -> Job:
        problems = personal_problems(settings.assignment, job.student_id, lang=job.lang)
        return replace(job, problems=tuple(problems))


class ReadSubmission:
    def __call__(self, job: Job, settings: Settings) -> Job:
        submission = read_submission(job.folder, job.student_id, settings.assignment.slots)
        return replace(job, submission=submission, errors=job.errors + submission.errors)


_UNREADABLE = Text("Your answers could not be read: {why}", "无法读取你的答案：{why}")


class GradeAnswers:
    def __call__(self, job: Job, settings: Settings) -> Job:
        submission = job.submission or Submission(job.student_id)
        # nothing readable at all (bad file, wrong keys): an error, not the student's "missing"
        unreadable = bool(submission.errors) and not submission.answers and job.folder is not None
        verdicts = []
        for problem in job.problems:
            raw = submission.answers.get(problem.slot)
            if raw is None and unreadable:
                why = _UNREADABLE.format(why=submission.errors[0])(job.lang)
                verdicts.append(
                    _error_verdict(problem.slot, problem.exercise_id, problem.points, why)
                )
            elif raw is None:
                verdicts.append(missing_verdict(problem, job.lang))
            else:
                verdicts.append(_grade_one(problem, raw, settings.show_solutions, job.lang))
        return replace(job, verdicts=job.verdicts + tuple(verdicts))


def _grade_one(problem: Problem, raw: str, show_solution: bool, lang: Lang) -> Verdict:
    try:
        return grade_answer(problem, raw, show_solution=show_solution, lang=lang)
    except Exception as exc:  # a grader bug must not stop the class: record it for the instructor
        message = (
            f"internal grading error ({type(exc).__name__}: {exc}); your instructor will check"
        )
        return _error_verdict(problem.slot, problem.exercise_id, problem.points, message)


_NO_CODE_GRADER = "code grading is not available in this installation (grader.code is missing)"
_REFUSED = Text("Your code file was not graded: {why}", "你的代码文件未被评分：{why}")


def code_case_seed(
    assignment: Assignment, student_id: str, slot: str, key: CourseKey | None
) -> int:
    """The seed of a student's graded code cases: keyed by the course secret (public without one).

    >>> from cnngrade.exercises.assignment import parse_manifest
    >>> a = parse_manifest("id: hw1\\nexercises:\\n  - {id: find_stride}")
    >>> key = CourseKey(bytes(range(32)), "sha256:test")
    >>> code_case_seed(a, "s001", "conv2d.1", key) == graded_case_seed("hw1", "s001", "conv2d.1", 0, key.secret)
    True
    """
    if key is None:
        return variant_seed(assignment.id, student_id, slot, assignment.attempt)
    return graded_case_seed(assignment.id, student_id, slot, assignment.attempt, key.secret)


def grade_code_slot(
    slot: Slot, path: Path, student_id: str, lang: Lang, settings: Settings
) -> Verdict:
    """One student's code slot exactly as the class run grades it (``cnngrade check --assignment``
    reproduces a graded run through here): graded seed, slot limits, hidden folders, device."""
    seed = code_case_seed(settings.assignment, student_id, slot.slot, settings.course_key)
    return _grade_code(slot, path, seed, lang, settings.hidden_paths(), settings.device)


class GradeCode:
    def __call__(self, job: Job, settings: Settings) -> Job:
        assignment = settings.assignment
        files = job.submission.code_files if job.submission else {}
        rejected = job.submission.rejected if job.submission else {}
        verdicts = []
        for slot in (s for s in assignment.slots if s.kind == "code"):
            path = files.get(slot.slot)
            if path is None and slot.slot in rejected:
                why = _REFUSED.format(why=rejected[slot.slot])(job.lang)
                verdicts.append(_error_verdict(slot.slot, slot.exercise_id, slot.points, why))
                continue
            if path is None:
                message = Text("No code file was handed in.", "未提交代码文件。")(job.lang)
                verdicts.append(Verdict(slot.slot, slot.exercise_id, 0.0, slot.points,
                                        (Finding("missing", message, note="missing"),)))  # fmt: skip
                continue
            verdicts.append(grade_code_slot(slot, path, job.student_id, job.lang, settings))
        faulted = any(grader_faulted(v) for v in verdicts)
        # a grader fault is not the student's result: no fingerprint, so the next run retries it
        return replace(
            job,
            verdicts=job.verdicts + tuple(verdicts),
            fingerprint="" if faulted else job.fingerprint,
        )


def _grade_code(
    slot: Slot, path: Path, seed: int, lang: Lang, hide: tuple[str, ...], device: str | None = None
) -> Verdict:
    """One code slot through the sandbox (``hide``: folders the student's code must not see)."""
    try:
        from cnngrade.grader.code import grade_code_file
        from cnngrade.grader.sandbox.api import Limits
    except ImportError:  # the installation's fault, not the student's: retried by the next run
        return _error_verdict(
            slot.slot, slot.exercise_id, slot.points, _NO_CODE_GRADER, GRADER_FAULT
        )
    # the manifest's `seconds:` lowers the per-case budget (a looping submission then costs less)
    limits = Limits(wall_s_per_call=slot.seconds) if slot.seconds else None
    try:
        verdict = grade_code_file(
            slot.slot,
            f"{slot.exercise_id}:{slot.convention}" if slot.convention else slot.exercise_id,
            path,
            seed,
            lang,
            limits=limits,
            hide_paths=hide,
            device=device,
        )
    except folders.SubmissionFileError as exc:  # swapped for a link, or grown, since it was read
        why = _REFUSED.format(why=str(exc))(lang)
        return _error_verdict(slot.slot, slot.exercise_id, slot.points, why)
    except Exception as exc:  # the code grader's own failure is a finding, never a stopped class
        message = Text(
            f"The grader failed on this file ({type(exc).__name__}: {exc}); this is not a verdict on "
            "your code, and it will be graded again.",
            f"评分程序处理此文件时出错（{type(exc).__name__}: {exc}）；这不是对你代码的评判，将重新评分。",
        )(lang)
        return _error_verdict(slot.slot, slot.exercise_id, slot.points, message, GRADER_FAULT)
    return scaled_to_slot(verdict, slot)


def scaled_to_slot(verdict: Verdict, slot: Slot) -> Verdict:
    """A code report's verdict with its score rescaled to the slot's points."""
    scale = slot.points / verdict.max_score if verdict.max_score else 0.0
    return replace(verdict, score=round(verdict.score * scale, 6), max_score=float(slot.points))


def student_result(job: Job, settings: Settings) -> StudentResult:
    """The job's verdicts in manifest order, as the record that is stored."""
    order = {s.slot: i for i, s in enumerate(settings.assignment.slots)}
    verdicts = tuple(sorted(job.verdicts, key=lambda v: order.get(v.slot, len(order))))
    isolation = next(
        (f.message for v in verdicts for f in v.findings if f.kind == "isolation"), None
    )
    return StudentResult(job.student_id, verdicts, job.errors, isolation)


def _feedback_paths(student_id: str, settings: Settings) -> tuple[Path, Path]:
    stem = file_stem(student_id)
    folder = settings.out_dir / "feedback"
    return folder / f"{stem}.md", folder / f"{stem}.html"


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()


def write_feedback(result: StudentResult, lang: Lang, settings: Settings) -> str:
    """Write the student's feedback files (atomic rename, no fsync); return their digest."""
    title = settings.assignment.title
    texts = [feedback_markdown(result, lang, title=title), feedback_html(result, lang, title=title)]
    for path, text in zip(_feedback_paths(result.student_id, settings), texts, strict=True):
        atomic_write_text(path, text, durable=False)
    return _digest(texts)


def feedback_is_current(student_id: str, digest: str, settings: Settings) -> bool:
    """Whether the feedback files on disk are exactly those written for this stored result."""
    try:
        return (
            _digest([p.read_text(encoding="utf-8") for p in _feedback_paths(student_id, settings)])
            == digest
        )
    except (OSError, UnicodeDecodeError):
        return False


class WriteFeedback:
    def __call__(self, job: Job, settings: Settings) -> Job:
        digest = write_feedback(student_result(job, settings), job.lang, settings)
        return replace(job, feedback_digest=digest)


class SaveResult:
    def __call__(self, job: Job, settings: Settings) -> Job:
        store = ResultStore(settings.out_dir)
        key = settings.course_key.fingerprint if settings.course_key is not None else ""
        store.save(
            student_result(job, settings), job.fingerprint, job.lang, job.feedback_digest, key
        )
        return job


#: The order of the steps (see the module docstring for why it is this order).
STEPS: tuple[Step, ...] = (
    RegenerateProblems(),
    ReadSubmission(),
    GradeAnswers(),
    GradeCode(),
    WriteFeedback(),
    SaveResult(),
)


def run_steps(job: Job, settings: Settings, steps: tuple[Step, ...] = STEPS) -> Job:
    """Run ``steps`` in order on one student's job."""
    for step in steps:
        job = step(job, settings)
    return job
