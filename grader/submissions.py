"""Reading a student's folder: ``answers.yaml`` (or ``.yml`` / ``.json``) and code files.

Layout of ``SUBMISSIONS/<student id>/``::

    answers.yaml          # slot id (or exercise id, when it has one slot) → the typed answer
    conv2d_forward.py     # a code slot: <slot>.py|.ipynb or <exercise id>.py|.ipynb

Only the answers are trusted from a submission: the problems are regenerated from the manifest and
the student id. Anything unreadable (no folder, invalid YAML/JSON, not UTF-8, unknown slot ids) is
reported in ``Submission.errors`` phrased for the student; it never raises.

Everything in a folder is hostile, so nothing is followed or read unbounded: a symbolic link (the
folder itself, the answers file, a code file, anything nested) is a finding and never followed
(``lstat`` before, ``O_NOFOLLOW`` when opening); so is something that is not a regular file (a FIFO
would block a plain ``open``), an answers or code file over its size limit, a folder holding more
than :data:`MAX_ENTRIES` files and folders, and a name with control or invisible characters.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.neutralize import for_terminal, has_hidden
from cnngrade.grader.types import Submission

__all__ = [
    "ANSWER_FILES",
    "LINKED_FOLDER",
    "MAX_ENTRIES",
    "fingerprint",
    "folder_problem",
    "read_submission",
]

ANSWER_FILES = ("answers.yaml", "answers.yml", "answers.json")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when present
_MAX_BYTES = 1_000_000
_MAX_ITEMS = 10_000
#: the largest code file read, by suffix (a notebook may hold outputs and images)
_MAX_CODE_BYTES = {".py": 1_000_000, ".ipynb": 20_000_000}
#: files and folders (nested ones included) one submission folder may hold
MAX_ENTRIES = 2_000
#: bytes of file content the fingerprint hashes per folder; beyond, size and mtime stand for it
_HASH_BUDGET = 256 * 2**20
_SHOWN = 3  # names quoted per kind of finding
_NO_FOLDER = "no submission folder was found for this student"
LINKED_FOLDER = "the folder is a symbolic link; hand in a real folder"


def _shown(name: str) -> str:
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
        return _NO_FOLDER
    try:
        info = os.lstat(folder)
    except OSError:
        return _NO_FOLDER
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


def _hash_file(path: Path, limit: int) -> bytes | None:
    """SHA-256 of a regular file's first ``limit`` bytes, opened without following a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        while limit > 0 and (chunk := os.read(fd, min(1 << 20, limit))):
            h.update(chunk)
            limit -= len(chunk)
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
    if folder is None or problem == _NO_FOLDER:
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


def _size(value: Any, budget: int) -> int:
    """How many items ``value`` holds, counting no further than ``budget``: YAML aliases can make
    a small file expand exponentially ("billion laughs"), so never expand before counting."""
    if not isinstance(value, list | dict):
        return 1
    total = 1
    for item in value.values() if isinstance(value, dict) else value:
        total += _size(item, budget - total)
        if total > budget:
            break
    return total


def _as_text(value: Any) -> str | None:
    """A YAML/JSON value as the text the student meant (lists as ``[1, 6, 28, 28]``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        if _size(value, _MAX_ITEMS) > _MAX_ITEMS:
            return "<an answer with too many entries>"
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _file_problem(path: Path, info: os.stat_result, limit: int) -> str | None:
    """Why a present file is refused: a link, not a regular file, or over ``limit`` bytes."""
    if stat.S_ISLNK(info.st_mode):
        return f"{_shown(path.name)} is a symbolic link; hand in the file itself, not a link"
    if not stat.S_ISREG(info.st_mode):
        return f"{_shown(path.name)} is not a regular file; hand in a plain file"
    if info.st_size > limit:
        return f"{_shown(path.name)} is {info.st_size:,} bytes; the limit is {limit:,}"
    return None


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _read_bounded(path: Path, limit: int) -> tuple[bytes | None, str | None]:
    """At most ``limit`` bytes of a regular file, never through a link (checked again on the open
    descriptor, so a file swapped for a link or a FIFO after the ``lstat`` is refused too)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (
                None,
                f"{_shown(path.name)} is a symbolic link; hand in the file itself, not a link",
            )
        return None, f"{_shown(path.name)} could not be read ({exc.strerror})"
    try:
        problem = _file_problem(path, os.fstat(fd), limit)
        if problem is not None:
            return None, problem
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(fd, min(1 << 20, left))):
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        return None, f"{_shown(path.name)} could not be read ({exc.strerror})"
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        return None, f"{_shown(path.name)} is larger than {limit:,} bytes"
    return data, None


def _load(path: Path) -> tuple[Any, str | None]:
    """The parsed file, or an error message for the student."""
    data, problem = _read_bounded(path, _MAX_BYTES)
    if data is None:
        return None, problem
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, (
            f"{path.name} is not UTF-8 (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8"
        )
    try:
        if path.suffix == ".json":
            return json.loads(text), None
        return yaml.load(text, Loader=_YAML_LOADER), None
    except json.JSONDecodeError as exc:
        return None, f"{path.name} is not valid JSON (line {exc.lineno}): {exc.msg}"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return (
            None,
            f"{path.name} is not valid YAML{where}: {getattr(exc, 'problem', None) or 'syntax error'}",
        )
    except (ValueError, RecursionError):  # e.g. an integer with 100,000 digits, nesting 10,000 deep
        return None, f"{path.name} holds a value too large or too deeply nested to read"


def _answers(raw: Any, name: str, slots: Sequence[Slot]) -> tuple[dict[str, str], list[str]]:
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [f"{name} must map slot ids to answers (`conv_output_shape.1: (1, 6, 28, 28)`)"]
    by_slot = {s.slot: s for s in slots}
    by_exercise: dict[str, list[str]] = {}
    for s in slots:
        by_exercise.setdefault(s.exercise_id, []).append(s.slot)
    answers, errors = {}, []
    for key, value in raw.items():
        key = str(key)
        slot = key if key in by_slot else None
        if slot is None and len(by_exercise.get(key, ())) == 1:
            slot = by_exercise[key][0]
        if slot is None:
            errors.append(
                f"{name}: unknown slot {key[:60]!r} (ignored); the slots are {', '.join(by_slot)}"
            )
        elif (text := _as_text(value)) is not None:
            answers[slot] = text
    return answers, errors


def _code_files(folder: Path, slots: Sequence[Slot]) -> tuple[dict[str, Path], dict[str, str]]:
    """Each code slot's file (the first acceptable candidate), and why refused ones were refused."""
    found: dict[str, Path] = {}
    rejected: dict[str, str] = {}
    for slot in (s for s in slots if s.kind == "code"):
        for candidate in (folder / f"{stem}{ext}" for stem in (slot.slot, slot.exercise_id)
                          for ext in (".py", ".ipynb")):  # fmt: skip
            info = _lstat(candidate)
            if info is None:
                continue
            problem = _file_problem(candidate, info, _MAX_CODE_BYTES[candidate.suffix])
            if problem is None:
                found[slot.slot] = candidate
                rejected.pop(slot.slot, None)
                break
            rejected.setdefault(slot.slot, problem)
    return found, rejected


def _folder_findings(folder: Path, reported: set[str]) -> list[str]:
    """Links, odd entries and odd names anywhere in the folder, and a folder holding too much."""
    entries, more = _walk(folder)
    links = [rel for rel, info in entries if stat.S_ISLNK(info.st_mode) and rel not in reported]
    odd = [rel for rel, info in entries if has_hidden(rel.rsplit("/", 1)[-1])]
    findings = []
    if links:
        shown = ", ".join(_shown(rel) for rel in links[:_SHOWN]) + (
            " ..." if len(links) > _SHOWN else ""
        )
        findings.append(
            f"{len(links)} symbolic link(s) in the folder were ignored, not followed ({shown}); "
            "hand in real files"
        )
    if odd:
        shown = ", ".join(_shown(rel) for rel in odd[:_SHOWN]) + (
            " ..." if len(odd) > _SHOWN else ""
        )
        findings.append(
            f"{len(odd)} name(s) with control or invisible characters ({shown}); rename them"
        )
    if more:
        findings.append(
            f"the folder holds more than {MAX_ENTRIES:,} files and folders; hand in only "
            "your answers file and code files"
        )
    return findings


def read_submission(folder: Path | None, student_id: str, slots: Sequence[Slot]) -> Submission:
    """Everything a student handed in, with readable errors instead of exceptions.

    Args:
        folder: ``SUBMISSIONS/<student>`` (None or absent: an error saying so; a link: refused).
        student_id: recorded in the Submission.
        slots: the assignment's slots (for exercise-id keys and code file names).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "answers.yaml").write_text("a.1: (1, 6, 28, 28)\\nzzz: 3\\n")
    >>> sub = read_submission(folder, "s1", [Slot("a.1", "a", "answer", 1, 1.0)])
    >>> sub.answers, sub.errors[0][:32]
    ({'a.1': '(1, 6, 28, 28)'}, "answers.yaml: unknown slot 'zzz'")
    """
    problem = folder_problem(folder)
    if folder is None or problem is not None:
        why = problem or _NO_FOLDER
        # a present folder that is refused: its code slots say why, not "no code file"
        refused = {} if why == _NO_FOLDER else {s.slot: why for s in slots if s.kind == "code"}
        return Submission(student_id, errors=(why,), rejected=refused)
    errors: list[str] = []
    answers: dict[str, str] = {}
    answer_file = next((folder / n for n in ANSWER_FILES if _lstat(folder / n) is not None), None)
    if answer_file is not None:
        raw, error = _load(answer_file)
        if error:
            errors.append(error)
        else:
            answers, errors = _answers(raw, answer_file.name, slots)
    elif any(s.kind == "answer" for s in slots):
        errors.append(f"no answers file ({' / '.join(ANSWER_FILES)}) in the submission folder")
    code_files, rejected = _code_files(folder, slots)
    reported = {answer_file.name} if answer_file is not None else set()
    reported |= {
        f"{stem}{ext}" for s in slots if s.kind == "code" for stem in (s.slot, s.exercise_id)
        for ext in (".py", ".ipynb")
    }  # fmt: skip
    errors += _folder_findings(folder, reported)
    return Submission(student_id, answers, code_files, tuple(errors), rejected)
