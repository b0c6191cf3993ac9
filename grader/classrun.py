"""Grading a whole class, resumably: ``grade_class(SUBMISSIONS, MANIFEST, OUT)``.

Writes under ``OUT``::

    results/<student>.json     every verdict and finding (atomic; the marker that a student is done)
    feedback/<student>.md|html feedback in the student's language
    gradebook.csv              one row per student, one column per slot, total and max
    item_analysis.csv          per slot: mean score, how many got it, the most frequent answer notes
    class.json                 the assignment (id, title, language, slots) and the students of the run

Students are the roster's (when given) plus every folder of ``SUBMISSIONS``. A rerun skips every
student whose stored result has the same fingerprint (manifest text, submission bytes, settings,
course key) unless ``force``; a SIGKILL at any moment loses only the students in flight. The
gradebook and the item analysis are rebuilt from the stored results at the end, so they never hold
duplicates.

Nothing in ``SUBMISSIONS`` is followed: an entry that is a symbolic link (to another student's
folder, say) is that student's finding, never graded as its target; a folder name with control or
invisible characters is graded under its escaped, printable form and flagged. Code cases are drawn
with the course key (:mod:`cnngrade.grader.course_key`), created on first use beside the manifest
(or at ``course_key_file`` / ``$CNNGRADE_COURSE_KEY_FILE``); results record its fingerprint.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from cnngrade.exercises.assignment import Assignment, load_manifest, load_roster
from cnngrade.grader.course_key import course_key_path, load_course_key
from cnngrade.grader.gradebook import gradebook_frame, write_gradebook
from cnngrade.grader.item_analysis import item_analysis_frame, write_item_analysis
from cnngrade.grader.neutralize import for_terminal, has_hidden
from cnngrade.grader.pipeline import (
    Job,
    SaveResult,
    Settings,
    WriteFeedback,
    feedback_is_current,
    grader_faulted,
    run_steps,
    write_feedback,
)
from cnngrade.grader.store import ResultStore, atomic_write_text, result_from_json
from cnngrade.grader.submissions import ANSWER_FILES, fingerprint

__all__ = ["CLASS_FILE", "ClassSummary", "grade_class", "is_faulted", "write_class_file"]

#: the run's assignment and students, beside its results (read by the report and the LMS export)
CLASS_FILE = "class.json"


@dataclass(frozen=True)
class ClassSummary:
    """What a class run did and where it wrote it."""

    out_dir: Path
    students: int
    graded: int
    skipped: int
    gradebook: pd.DataFrame
    item_analysis: pd.DataFrame
    #: students whose grading the grader itself could not finish (retried by the next run)
    faults: tuple[str, ...] = ()
    #: fingerprint of the course key that drew the graded code cases (see grader.course_key)
    course_key: str = ""


def _entries(submissions: Path) -> list[str]:
    """Names of the student entries of ``submissions``: folders and links (never followed: a link
    is its student's finding), hidden ones and plain files left out."""
    names = []
    with os.scandir(submissions) as listing:
        for entry in listing:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink() or entry.is_dir(follow_symlinks=False):
                names.append(entry.name)
    return sorted(names)


def _looks_like_nbgrader(submissions: Path, assignment_id: str) -> bool:
    """True when every student folder holds ``<assignment>/`` and none holds a hand-in of ours:
    nbgrader's ``submitted/<student>/<assignment>/<notebook>.ipynb`` layout (grading it here would
    give everyone 0)."""
    folders = [
        submissions / name
        for name in _entries(submissions)
        if not os.path.islink(submissions / name)
    ]
    if not folders:
        return False
    for folder in folders:
        inner = folder / assignment_id
        if os.path.islink(inner) or not inner.is_dir():
            return False
        if any((folder / name).exists() for name in ANSWER_FILES):
            return False
    return True


def _jobs(submissions: Path, roster: Path | None, settings: Settings) -> list[Job]:
    """One job per student: roster order first, then folders not on the roster (flagged)."""
    assignment = settings.assignment
    listed = load_roster(roster) if roster is not None else []
    on_roster = {s.id for s in listed}
    jobs = []
    for student in listed:
        folder = submissions / student.id
        present = os.path.lexists(folder)  # a link is handed to the reader, which refuses it
        jobs.append(
            Job(student.id, folder if present else None, student.lang or assignment.language)
        )
    taken = {job.student_id for job in jobs}
    for name in _entries(submissions):
        if name in on_roster:
            continue
        flags = ("this folder's name is not on the roster",) if roster is not None else ()
        student_id = name
        if has_hidden(name):  # graded under a printable id (a result file, a gradebook row)
            student_id = for_terminal(name, one_line=True)
            flags += (
                f"this folder's name '{student_id}' has control or invisible characters; "
                "rename it to your student id",
            )
        if student_id in taken:
            flags += (f"another folder already has the id '{student_id}'; rename this one",)
            student_id = f"{student_id}~{len(jobs)}"
        taken.add(student_id)
        jobs.append(Job(student_id, submissions / name, assignment.language, errors=flags))
    return jobs


#: how an error result of a student whose grading raised begins (see :func:`is_faulted`)
_STOPPED = "grading stopped for this student"


def _with_fingerprint(job: Job, settings: Settings) -> Job:
    """Key the job by everything its result depends on (the grader's own code excepted: --force)."""
    key = settings.course_key.fingerprint if settings.course_key is not None else ""
    setting = (
        f"show_solutions={settings.show_solutions};lang={job.lang};flags={job.errors};"
        f"course_key={key}"
    )
    return replace(job, fingerprint=fingerprint(settings.manifest_text, job.folder, setting))


def _grade(job: Job, settings: Settings) -> str:
    """Run the steps; if one fails unexpectedly, store an error result so the class run goes on."""
    try:
        run_steps(job, settings)
    except Exception as exc:
        why = f"{_STOPPED} ({type(exc).__name__}: {exc}); the instructor will check"
        # no fingerprint: the next run retries this student instead of skipping a failed grading
        failed = replace(job, verdicts=(), errors=job.errors + (why,), fingerprint="")
        run_steps(failed, settings, (WriteFeedback(), SaveResult()))
    return job.student_id


def _run(todo: list[Job], settings: Settings, jobs: int, progress: bool) -> None:
    from cnngrade.grader.progress import GradingProgress

    if jobs <= 1 or len(todo) <= 1:
        with GradingProgress(len(todo), enabled=progress) as bar:
            for job in todo:
                _grade(job, settings)
                bar.advance()
        return
    # workers are forked by submit(), before the progress bar starts its refresh thread
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_grade, job, settings) for job in todo]
        with GradingProgress(len(todo), enabled=progress) as bar:
            for future in as_completed(futures):
                future.result()
                bar.advance()


def grade_class(
    submissions: str | Path,
    manifest: str | Path,
    out_dir: str | Path,
    *,
    roster: str | Path | None = None,
    force: bool = False,
    show_solutions: bool = False,
    jobs: int = 1,
    progress: bool = False,
    device: str | None = None,
    course_key_file: str | Path | None = None,
) -> ClassSummary:
    """Grade every student's folder under ``submissions`` against ``manifest`` into ``out_dir``.

    Args:
        roster: CSV with an ``id`` column; students on it without a folder get "missing" results.
        force: regrade students whose stored result is current.
        show_solutions: attach worked solutions to wrong answers in the feedback.
        jobs: worker processes (students are graded in parallel when > 1).
        progress: a bar on a terminal, else a plain line every 10 s (:mod:`grader.progress`).
        device: where torch-based code exercises run (``"cuda"`` checked to exist; default cpu).
        course_key_file: where the course key lives (default: ``$CNNGRADE_COURSE_KEY_FILE``, else
            ``.cnngrade/course.key`` beside the manifest); created on first use.
    """
    submissions, out_dir = Path(submissions), Path(out_dir)
    if not submissions.is_dir():
        raise ValueError(
            f"SUBMISSIONS_DIR {submissions} is not a folder; give the folder of student folders"
        )
    if jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {jobs}")
    assignment = load_manifest(manifest)
    text = Path(manifest).read_text(encoding="utf-8")
    if device is not None:
        from cnngrade.reference._device import resolve_device

        device = str(resolve_device(device))  # one clear line when CUDA is asked for but absent
    if _looks_like_nbgrader(submissions, assignment.id):
        raise ValueError(
            f"{submissions} is laid out as nbgrader's submitted/<student>/{assignment.id}/ folders; "
            "grade it with nbgrader after `cnngrade nbgrader init COURSE_DIR` (README: nbgrader), "
            "or give the folder of student folders that hold answers.yaml and code files"
        )
    key = load_course_key(manifest, key_file=course_key_file)
    settings = Settings(
        assignment,
        text,
        out_dir,
        show_solutions,
        submissions_dir=submissions,
        device=device,
        course_key=key,
        course_key_file=course_key_path(manifest, course_key_file),
    )
    store = ResultStore(out_dir)
    store.clean_strays()
    everyone = [
        _with_fingerprint(job, settings) for job in _jobs(submissions, _opt(roster), settings)
    ]
    todo = [
        job for job in everyone if force or not store.is_current(job.student_id, job.fingerprint)
    ]
    _run(todo, settings, jobs, progress)
    store.sync()
    graded = {job.student_id for job in todo}
    _refresh_feedback([job for job in everyone if job.student_id not in graded], store, settings)
    results = [result_from_json(store.load(job.student_id) or {}) for job in everyone]
    book = gradebook_frame(results, assignment.slots)
    items = item_analysis_frame(results, assignment.slots)
    write_gradebook(book, out_dir / "gradebook.csv")
    write_item_analysis(items, out_dir / "item_analysis.csv")
    write_class_file(out_dir, assignment, [job.student_id for job in everyone])
    faults = tuple(r.student_id for r in results if is_faulted(r))
    return ClassSummary(
        out_dir,
        len(everyone),
        len(todo),
        len(everyone) - len(todo),
        book,
        items,
        faults,
        key.fingerprint,
    )


def write_class_file(out_dir: Path, assignment: Assignment, student_ids: Sequence[str]) -> Path:
    """Record the assignment and the students of a run beside its results (read by the report)."""
    slots = [
        {"slot": s.slot, "exercise_id": s.exercise_id, "kind": s.kind, "points": float(s.points)}
        for s in assignment.slots
    ]
    doc = {
        "assignment": {
            "id": assignment.id,
            "title": assignment.title,
            "language": assignment.language,
        },
        "slots": slots,
        "students": list(student_ids),
    }
    path = Path(out_dir) / CLASS_FILE
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=1), durable=False)
    return path


def is_faulted(result) -> bool:
    """True when the grader, not the student, left part of this result ungraded."""
    return any(e.startswith(_STOPPED) for e in result.errors) or any(
        grader_faulted(v) for v in result.verdicts
    )


def _refresh_feedback(skipped: list[Job], store: ResultStore, settings: Settings) -> None:
    """Rebuild the feedback of skipped students whose files a crash lost or left stale."""
    for job in skipped:
        doc = store.load(job.student_id)
        if doc is not None and not feedback_is_current(
            job.student_id, doc.get("feedback_digest", ""), settings
        ):
            write_feedback(result_from_json(doc), doc["lang"], settings)


def _opt(path: str | Path | None) -> Path | None:
    return None if path is None else Path(path)
