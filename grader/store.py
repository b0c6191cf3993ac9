"""Atomic, resumable per-student results: ``OUT/results/<student>.json``, one file per student.

Every result is written to a temporary file in the same folder, flushed and ``fsync``-ed, then
``os.replace``-d over the target (atomic on POSIX). A crash or SIGKILL at any moment leaves either
the old file or the new one, never half of one; stray ``*.tmp`` files from a killed run are cleaned.
The results folder is ``fsync``-ed once at the end of a run (:meth:`ResultStore.sync`), not after
every student: a power cut before that can only undo the last renames, and those students are
regraded by the next run (grading is deterministic), so nothing is lost. Feedback files are derived
data: renamed atomically but not fsync-ed; the result records their digest, and a rerun rebuilds
any that a power cut lost or left stale.

A result records the *fingerprint* of what it was graded from (manifest text + submission bytes);
a rerun regrades a student only when the fingerprint changed or ``force`` is set. It also records
the course key's fingerprint (``course_key``), never the key itself. Text a student controls is
stored as it was, but written with every control or invisible character ``\\u``-escaped
(:func:`cnngrade.grader.neutralize.for_json`): the file shows no escape sequence and reads back the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cnngrade.grader.neutralize import for_json
from cnngrade.grader.types import Finding, StudentResult, Verdict

__all__ = ["ResultStore", "atomic_write_text", "result_from_json", "result_to_json"]

FORMAT_VERSION = 1
_MAX_STEM = 200  # file names stay under NAME_MAX (255 bytes) with a suffix and a temp prefix


def atomic_write_text(
    path: Path, text: str, *, durable: bool = True, sync_folder: bool = True
) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new content, nothing between.

    ``durable`` ``fsync``-s the data before the rename (≈ 7 ms), so a renamed file is never empty
    after a power cut; ``sync_folder`` (with ``durable``) also ``fsync``-s the folder (≈ 4 ms) so the
    rename itself is on disk. Files that can be rebuilt from a durable one skip both.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(p, "hello"); p.read_text()
    'hello'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable and sync_folder:
        sync_folder_of(path)


def sync_folder_of(path: Path) -> None:
    """``fsync`` the folder holding ``path`` (or the folder ``path`` itself), making renames durable."""
    folder = path if path.is_dir() else path.parent
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def file_stem(student_id: str) -> str:
    """A file name for a student id (ids are roster-checked, but folder names may be anything).

    A name too long for the file system (quoting can triple a 255-byte folder name) keeps its first
    150 characters and a hash of the whole; undecodable bytes (lone surrogates) are quoted too.

    >>> file_stem("s001"), file_stem("../x y")
    ('s001', '..%2Fx%20y')
    >>> len(file_stem("卷" * 85)) <= 200
    True
    """
    stem = quote(student_id.encode("utf-8", "surrogatepass"), safe="@-_.")
    if len(stem) > _MAX_STEM:
        digest = hashlib.sha256(stem.encode("ascii")).hexdigest()[:16]
        stem = f"{stem[:150]}~{digest}"
    return stem if stem not in (".", "..") else stem.replace(".", "%2E")


def result_to_json(
    result: StudentResult,
    fingerprint: str,
    lang: str,
    feedback_digest: str = "",
    course_key: str = "",
) -> dict[str, Any]:
    """The JSON document stored for one student (every finding included).

    ``feedback_digest`` is the SHA-256 of the feedback files written from this result, so a rerun
    can tell stale or missing feedback (written without fsync) and rebuild it from here.
    ``course_key`` is the fingerprint of the course key that drew the graded code cases.
    """
    return {
        "course_key": course_key,
        "format": FORMAT_VERSION,
        "student_id": result.student_id,
        "fingerprint": fingerprint,
        "feedback_digest": feedback_digest,
        "lang": lang,
        "score": result.score,
        "max_score": result.max_score,
        "errors": list(result.errors),
        "isolation": result.isolation,
        "verdicts": [asdict(v) for v in result.verdicts],
    }


def result_from_json(doc: dict[str, Any]) -> StudentResult:
    """Rebuild the :class:`StudentResult` of a stored document."""
    verdicts = tuple(
        Verdict(
            slot=v["slot"],
            exercise_id=v["exercise_id"],
            score=float(v["score"]),
            max_score=float(v["max_score"]),
            findings=tuple(Finding(**f) for f in v["findings"]),
            counts_attempt=bool(v["counts_attempt"]),
        )
        for v in doc["verdicts"]
    )
    return StudentResult(doc["student_id"], verdicts, tuple(doc["errors"]), doc.get("isolation"))


class ResultStore:
    """The ``results/`` folder of a class run: one atomic JSON document per student.

    >>> import tempfile
    >>> store = ResultStore(Path(tempfile.mkdtemp()))
    >>> _ = store.save(StudentResult("s1", ()), "fp", "en")
    >>> store.is_current("s1", "fp"), store.is_current("s1", "other"), store.load("s2")
    (True, False, None)
    """

    def __init__(self, out_dir: Path) -> None:
        self.folder = Path(out_dir) / "results"
        self.folder.mkdir(parents=True, exist_ok=True)

    def clean_strays(self) -> None:
        """Remove temporary files a killed run left behind (call once, before grading starts)."""
        for stray in self.folder.glob(".*.tmp"):
            stray.unlink(missing_ok=True)

    def path(self, student_id: str) -> Path:
        return self.folder / f"{file_stem(student_id)}.json"

    def load(self, student_id: str) -> dict[str, Any] | None:
        """The stored document, or None when absent or unreadable (then the student is regraded)."""
        try:
            doc = json.loads(self.path(student_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        ok = isinstance(doc, dict) and doc.get("format") == FORMAT_VERSION
        return doc if ok and doc.get("student_id") == student_id else None

    def is_current(self, student_id: str, fingerprint: str) -> bool:
        doc = self.load(student_id)
        return doc is not None and doc.get("fingerprint") == fingerprint

    def save(
        self,
        result: StudentResult,
        fingerprint: str,
        lang: str,
        feedback_digest: str = "",
        course_key: str = "",
    ) -> Path:
        path = self.path(result.student_id)
        doc = result_to_json(result, fingerprint, lang, feedback_digest, course_key)
        atomic_write_text(path, for_json(doc, indent=1, sort_keys=True), sync_folder=False)
        return path

    def sync(self) -> None:
        """Make every rename so far durable (one folder ``fsync``; call at the end of a run)."""
        sync_folder_of(self.folder)
