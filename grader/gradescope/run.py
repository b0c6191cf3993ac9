"""The autograder at run time: grade ``ROOT/submission`` for its student, write ``results.json``.

``python -m cnngrade.grader.gradescope.run --root /autograder`` (what the bundle's
``run_autograder`` does; ``$CNNGRADE_AUTOGRADER_ROOT`` or ``--root`` point it at a dry-run tree).
The student is ``users[0]`` of ``ROOT/submission_metadata.json``, mapped to a roster id as the bundle's
``config.json`` says; their variants are regenerated from the manifest and that id, and their code is
graded on cases drawn with the course key in ``ROOT/source`` — the same steps as ``cnngrade grade``.

Everything about the submission is the student's: an unknown student, an empty or odd upload, a
malformed answers file become a results.json with the reason, never a crash. A broken bundle (no
config, no key) exits 1 with one line on stderr and no results.json, so Gradescope tells the
instructor that the autograder failed instead of giving students a zero.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnngrade.exercises.assignment import load_manifest
from cnngrade.exercises.core import LANGS, Lang
from cnngrade.grader.course_key import load_course_key
from cnngrade.grader.gradescope.bundle import CONFIG, KEY_IN_BUNDLE
from cnngrade.grader.gradescope.results import refused_document, results_document
from cnngrade.grader.neutralize import for_json, for_terminal
from cnngrade.grader.pipeline import (
    GradeAnswers,
    GradeCode,
    Job,
    ReadSubmission,
    RegenerateProblems,
    Settings,
    run_steps,
    student_result,
)
from cnngrade.grader.store import atomic_write_text
from cnngrade.grader.submissions import ANSWER_FILES

__all__ = ["ROOT_ENV", "run_autograder"]

ROOT_ENV = "CNNGRADE_AUTOGRADER_ROOT"
_STEPS = (RegenerateProblems(), ReadSubmission(), GradeAnswers(), GradeCode())
_STUDENT_ID = re.compile(r"^[^\W_][\w.@-]*$")
_MAX_METADATA = 50_000_000  # previous_submissions repeats every earlier results.json


class _Refused(Exception):
    """The submission cannot be graded for a reason the student (or their instructor) can fix."""


@dataclass(frozen=True)
class _Config:
    manifest: Path
    roster: Path | None
    id_field: str
    roster_column: str | None
    show_solutions: bool
    visibility: str


def _config(source: Path) -> _Config:
    try:
        doc = json.loads((source / CONFIG).read_text(encoding="utf-8"))
        return _Config(
            source / doc["manifest"],
            source / doc["roster"] if doc.get("roster") else None,
            str(doc["id_field"]),
            doc.get("roster_column"),
            bool(doc.get("show_solutions", False)),
            str(doc.get("visibility", "visible")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"{source / CONFIG} is missing or broken ({exc}); rebuild the bundle with "
            "`cnngrade gradescope` and upload it again"
        ) from None


def _user(root: Path, field: str) -> tuple[str, str]:
    """(the value of ``field`` for the first submitter, a note for groups) from the metadata."""
    path = root / "submission_metadata.json"
    try:
        if path.stat().st_size > _MAX_METADATA:
            raise _Refused(f"{path.name} is larger than {_MAX_METADATA} bytes")
        users = json.loads(path.read_text(encoding="utf-8"))["users"]
        first = users[0]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise _Refused(
            f"Gradescope's {path.name} could not be read ({type(exc).__name__}); "
            "ask your instructor to rerun the autograder"
        ) from None
    value = str(first.get(field) or "").strip() if isinstance(first, dict) else ""
    if not value:
        raise _Refused(
            f"Gradescope has no {field!r} for this submitter; ask your instructor to fill it in "
            "on the course roster, then resubmit"
        )
    group = "" if len(users) == 1 else (
        f"A group submission of {len(users)}: graded for the first member only (the exercises are "
        "personal); every member should hand in their own."
    )  # fmt: skip
    return value, group


def _student(root: Path, config: _Config) -> tuple[str, Lang | None, str]:
    """(roster id, the roster's language for them, a note) of the submitter, or _Refused."""
    value, note = _user(root, config.id_field)
    shown = for_terminal(value, one_line=True)
    if config.roster is None:
        if not _STUDENT_ID.match(value):
            raise _Refused(
                f"your Gradescope {config.id_field} {shown!r} is not a usable student id"
            )
        return value, None, note
    text = config.roster.read_text(encoding="utf-8-sig")
    for row in csv.DictReader(text.splitlines()):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if row.get(config.roster_column or "", "").casefold() == value.casefold():
            lang = row.get("lang") or None
            return row.get("id") or row.get("student_id", ""), lang if lang in LANGS else None, note
    raise _Refused(
        f"your Gradescope {config.id_field} {shown!r} is not on the course roster; "
        "ask your instructor to add you"
    )


def _has_work(folder: Path) -> bool:
    return any(
        p.is_file() and (p.name in ANSWER_FILES or p.suffix in (".py", ".ipynb"))
        for p in folder.iterdir()
    )


def _submission_folder(submission: Path) -> Path:
    """The hand-in's folder: ``submission/`` or the one folder a zip upload put everything in."""
    folder = submission
    for _ in range(3):
        if not folder.is_dir() or _has_work(folder):
            return folder
        inner = [p for p in folder.iterdir()
                 if p.is_dir() and not p.is_symlink() and not p.name.startswith((".", "__MACOSX"))]  # fmt: skip
        if len(inner) != 1:
            return folder
        folder = inner[0]
    return folder


def run_autograder(root: str | Path) -> dict[str, Any]:
    """Grade ``ROOT/submission`` and write ``ROOT/results/results.json``; return the document."""
    start = time.monotonic()
    root = Path(root)
    source = root / "source"
    config = _config(source)
    assignment = load_manifest(config.manifest)
    key = load_course_key(config.manifest, create=False, key_file=source / KEY_IN_BUNDLE)
    # student code never sees the bundle (key, manifest, roster) nor the results
    hide = [p for p in os.environ.get("CNNGRADE_SANDBOX_HIDE", "").split(os.pathsep) if p]
    os.environ["CNNGRADE_SANDBOX_HIDE"] = os.pathsep.join([*hide, str(source.resolve())])
    try:
        student_id, lang, note = _student(root, config)
    except _Refused as why:
        doc = refused_document(str(why), assignment, config.visibility, time.monotonic() - start)
    else:
        settings = Settings(
            assignment, config.manifest.read_text(encoding="utf-8"), root / "results",
            config.show_solutions, submissions_dir=root / "submission",
            course_key=key, course_key_file=source / KEY_IN_BUNDLE,
        )  # fmt: skip
        job = Job(student_id, _submission_folder(root / "submission"), lang or assignment.language)
        result = student_result(run_steps(job, settings, _STEPS), settings)
        doc = results_document(result, assignment, job.lang, config.visibility,
                               time.monotonic() - start, note=note, course_key=key.fingerprint)  # fmt: skip
    out = root / "results" / "results.json"
    atomic_write_text(out, for_json(doc, indent=1))  # hidden characters \u-escaped
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cnngrade.grader.gradescope.run")
    parser.add_argument("--root", default=os.environ.get(ROOT_ENV) or "/autograder",
                        help="the autograder folder (default: $CNNGRADE_AUTOGRADER_ROOT or /autograder)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        doc = run_autograder(args.root)
    except ValueError as exc:  # the bundle itself is broken: the instructor must see it
        print(f"cnngrade autograder: error: {exc}", file=sys.stderr)
        return 1
    print(f"cnngrade autograder: score {doc['score']:g}; {len(doc['tests'])} tests")
    faulted = doc.get("extra_data", {}).get("grader_faults") or []
    if faulted:  # the instructor's log (stdout); the student's output says it too
        print(
            f"cnngrade autograder: the grader failed on {', '.join(faulted)}: rerun this submission"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
