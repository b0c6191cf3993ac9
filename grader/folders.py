"""Student folders read without trusting them: no link followed, nothing read unbounded.

Everything in a submission folder is hostile. A symbolic link (the folder itself, a file, anything
nested) is reported and never followed: names are ``lstat``-ed before use and files opened with
``O_NOFOLLOW`` (and checked again on the descriptor, so a file swapped for a link or a FIFO after the
``lstat`` is refused too). Something that is not a regular file (a FIFO would block a plain
``open``), a file over its limit, a folder holding more than :data:`MAX_ENTRIES` entries and a name
with control or invisible characters are findings; a quoted name is shown with its hidden characters
escaped. The fingerprint of a folder hashes links as links and is bounded in entries and bytes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from cnngrade.grader.neutralize import for_terminal, has_hidden

__all__ = [
    "LINKED_FOLDER",
    "MAX_ENTRIES",
    "NO_FOLDER",
    "SubmissionFileError",
    "file_problem",
    "fingerprint",
    "folder_findings",
    "folder_problem",
    "lstat",
    "read_bounded",
    "shown",
]

#: files and folders (nested ones included) one submission folder may hold
MAX_ENTRIES = 2_000
#: bytes of file content the fingerprint hashes per folder; beyond, size and mtime stand for it
_HASH_BUDGET = 256 * 2**20
_SHOWN = 3  # names quoted per kind of finding
NO_FOLDER = "no submission folder was found for this student"
LINKED_FOLDER = "the folder is a symbolic link; hand in a real folder"


def shown(name: str) -> str:
    """A name as it may be quoted to anyone: hidden characters escaped, on one line."""
    return "'" + for_terminal(name, one_line=True) + "'"


def folder_problem(folder: Path | None) -> str | None:
    """Why ``folder`` cannot be read as a submission (absent, a link, not a folder), or None.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()); (root / "s1").mkdir(); (root / "s2").symlink_to(root / "s1")
    >>> folder_problem(root / "s1"), folder_problem(root / "s2")
    (None, 'the folder is a symbolic link; hand in a real folder')
    """
    if folder is None:
        return NO_FOLDER
    try:
        info = os.lstat(folder)
    except OSError:
        return NO_FOLDER
    if stat.S_ISLNK(info.st_mode):
        return LINKED_FOLDER
    if not stat.S_ISDIR(info.st_mode):
        return (
            "the submission is a file, not a folder; hand in a folder named after your student id"
        )
    return None


def _walk(folder: Path) -> tuple[list[tuple[str, os.stat_result]], bool]:
    """``(relative path, lstat)`` of everything under ``folder``, links never followed, in a fixed
    order, at most :data:`MAX_ENTRIES`; and whether there was more."""
    found: list[tuple[str, os.stat_result]] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        try:
            with os.scandir(folder / rel if rel else folder) as listing:
                entries = []
                for entry in listing:
                    entries.append(entry)
                    if len(found) + len(entries) > MAX_ENTRIES:
                        return found, True
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            path = f"{rel}/{entry.name}" if rel else entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            found.append((path, info))
            if stat.S_ISDIR(info.st_mode):
                pending.append(path)
    return found, False


def _open_plain(path: Path) -> int:
    """A read descriptor of ``path``, never through a link (OSError ``ELOOP``) nor blocking on a FIFO."""
    return os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)


def _chunks(fd: int, limit: int):
    """The first ``limit`` bytes of ``fd``, a MiB at a time."""
    while limit > 0 and (chunk := os.read(fd, min(1 << 20, limit))):
        limit -= len(chunk)
        yield chunk


def _hash_file(path: Path, limit: int) -> bytes | None:
    """SHA-256 of a regular file's first ``limit`` bytes, opened without following a link."""
    try:
        fd = _open_plain(path)
    except OSError:
        return None
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        for chunk in _chunks(fd, limit):
            h.update(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return h.digest()


def fingerprint(manifest_text: str, folder: Path | None, *settings: str) -> str:
    """SHA-256 over the manifest, every file of the folder (path and bytes) and grader settings.

    Links are hashed as links (their target, never its content); the walk and the bytes hashed are
    bounded (:data:`MAX_ENTRIES`; past 256 MiB a file's size and mtime stand for its bytes).

    >>> fingerprint("id: hw1", None) == fingerprint("id: hw1", None)
    True
    """
    h = hashlib.sha256()
    for part in (manifest_text, *settings):
        h.update(part.encode("utf-8") + b"\x1f")
    problem = folder_problem(folder)
    if folder is None or problem == NO_FOLDER:
        h.update(b"<no folder>")
        return h.hexdigest()
    if problem is not None:
        target = os.readlink(folder) if problem == LINKED_FOLDER else ""
        h.update(f"<{problem}>{target}".encode("utf-8", "surrogateescape"))
        return h.hexdigest()
    entries, more = _walk(folder)
    budget = _HASH_BUDGET
    for rel, info in entries:
        h.update(rel.encode("utf-8", "surrogateescape") + b"\x1f")
        if stat.S_ISLNK(info.st_mode):
            h.update(b"<link>" + os.fsencode(_readlink(folder / rel)))
        elif stat.S_ISREG(info.st_mode) and info.st_size <= budget:
            budget -= info.st_size
            h.update(_hash_file(folder / rel, info.st_size + 1) or b"<unreadable>")
        elif stat.S_ISREG(info.st_mode):
            h.update(f"<size {info.st_size} mtime {info.st_mtime_ns}>".encode())
    if more:
        h.update(b"<more entries>")
    return h.hexdigest()


def _readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def file_problem(path: Path, info: os.stat_result, limit: int) -> str | None:
    """Why a present file is refused: a link, not a regular file, or over ``limit`` bytes."""
    if stat.S_ISLNK(info.st_mode):
        return _linked(path)
    if not stat.S_ISREG(info.st_mode):
        return f"{shown(path.name)} is not a regular file; hand in a plain file"
    if info.st_size > limit:
        return f"{shown(path.name)} is {info.st_size:,} bytes; the limit is {limit:,}"
    return None


def _linked(path: Path) -> str:
    return f"{shown(path.name)} is a symbolic link; hand in the file itself, not a link"


def lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


class SubmissionFileError(ValueError):
    """A student's file that cannot be graded as handed in (a link, too large, not a regular file):
    the student's failure, never a grader fault."""


def read_bounded(path: Path, limit: int) -> tuple[bytes | None, str | None]:
    """At most ``limit`` bytes of a regular file, never through a link (checked again on the open
    descriptor, so a file swapped for a link or a FIFO after the ``lstat`` is refused too)."""
    try:
        fd = _open_plain(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, _linked(path)
        return None, f"{shown(path.name)} could not be read ({exc.strerror})"
    try:
        problem = file_problem(path, os.fstat(fd), limit)
        if problem is not None:
            return None, problem
        data = b"".join(_chunks(fd, limit + 1))
    except OSError as exc:
        return None, f"{shown(path.name)} could not be read ({exc.strerror})"
    finally:
        os.close(fd)
    if len(data) > limit:
        return None, f"{shown(path.name)} is larger than {limit:,} bytes"
    return data, None


def folder_findings(folder: Path, reported: set[str]) -> list[str]:
    """Links (other than the ``reported`` names), odd names anywhere in the folder, and a folder
    holding too much: one finding each, quoting a few names."""
    entries, more = _walk(folder)
    links = [rel for rel, info in entries if stat.S_ISLNK(info.st_mode) and rel not in reported]
    odd = [rel for rel, _ in entries if has_hidden(rel.rsplit("/", 1)[-1])]
    findings = []
    if links:
        findings.append(
            f"{len(links)} symbolic link(s) in the folder were ignored, not followed "
            f"({_quote(links)}); hand in real files"
        )
    if odd:
        findings.append(
            f"{len(odd)} name(s) with control or invisible characters ({_quote(odd)}); rename them"
        )
    if more:
        findings.append(
            f"the folder holds more than {MAX_ENTRIES:,} files and folders; hand in only "
            "your answers file and code files"
        )
    return findings


def _quote(names: list[str]) -> str:
    return ", ".join(shown(n) for n in names[:_SHOWN]) + (" ..." if len(names) > _SHOWN else "")
