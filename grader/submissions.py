"""Reading a student's folder: ``answers.yaml`` (or ``.yml`` / ``.json``) and code files.

Layout of ``SUBMISSIONS/<student id>/``::

    answers.yaml          # slot id (or exercise id, when it has one slot) → the typed answer
    conv2d_forward.py     # a code slot: <slot>.py|.ipynb or <exercise id>.py|.ipynb

Only the answers are trusted from a submission: the problems are regenerated from the manifest and
the student id. Anything unreadable (no folder, invalid YAML/JSON, not UTF-8, unknown slot ids) is
reported in ``Submission.errors`` phrased for the student; it never raises.

Nothing is followed or read unbounded (:mod:`cnngrade.grader.folders`): a linked folder, answers
file or code file is a finding, never its target; so are non-regular files, an answers file over
1 MB, a ``.py`` over 1 MB or a notebook over 20 MB, too many entries and odd names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.folders import (
    LINKED_FOLDER,
    MAX_ENTRIES,
    NO_FOLDER,
    file_problem,
    fingerprint,
    folder_findings,
    folder_problem,
    lstat,
    read_bounded,
)
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
_SHOWN_UNKNOWN = 5  # unknown slot ids quoted one by one
#: the largest code file read, by suffix (a notebook may hold outputs and images)
_MAX_CODE_BYTES = {".py": 1_000_000, ".ipynb": 20_000_000}


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


def _load(path: Path) -> tuple[Any, str | None]:
    """The parsed file, or an error message for the student."""
    data, problem = read_bounded(path, _MAX_BYTES)
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
    answers, errors, unknown = {}, [], 0
    for key, value in raw.items():
        key = str(key)
        slot = key if key in by_slot else None
        if slot is None and len(by_exercise.get(key, ())) == 1:
            slot = by_exercise[key][0]
        if slot is None:
            unknown += 1
            if unknown <= _SHOWN_UNKNOWN:  # a file of 10,000 keys must not make 10,000 findings
                errors.append(
                    f"{name}: unknown slot {key[:60]!r} (ignored); the slots are {', '.join(by_slot)}"
                )
        elif (text := _as_text(value)) is not None:
            answers[slot] = text
    if unknown > _SHOWN_UNKNOWN:
        errors.append(f"{name}: {unknown - _SHOWN_UNKNOWN} more unknown slots (ignored)")
    return answers, errors


def _code_names(slot: Slot) -> tuple[str, ...]:
    """The file names a code slot is looked for under, first choice first."""
    return tuple(
        f"{stem}{ext}" for stem in (slot.slot, slot.exercise_id) for ext in _MAX_CODE_BYTES
    )


def _code_files(folder: Path, slots: Sequence[Slot]) -> tuple[dict[str, Path], dict[str, str]]:
    """Each code slot's file (the first acceptable candidate), and why refused ones were refused."""
    found: dict[str, Path] = {}
    rejected: dict[str, str] = {}
    for slot in (s for s in slots if s.kind == "code"):
        for candidate in (folder / name for name in _code_names(slot)):
            info = lstat(candidate)
            if info is None:
                continue
            problem = file_problem(candidate, info, _MAX_CODE_BYTES[candidate.suffix])
            if problem is None:
                found[slot.slot] = candidate
                rejected.pop(slot.slot, None)
                break
            rejected.setdefault(slot.slot, problem)
    return found, rejected


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
        why = problem or NO_FOLDER
        # a present folder that is refused: its code slots say why, not "no code file"
        refused = {} if why == NO_FOLDER else {s.slot: why for s in slots if s.kind == "code"}
        return Submission(student_id, errors=(why,), rejected=refused)
    errors: list[str] = []
    answers: dict[str, str] = {}
    answer_file = next((folder / n for n in ANSWER_FILES if lstat(folder / n) is not None), None)
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
    reported |= {name for s in slots if s.kind == "code" for name in _code_names(s)}
    errors += folder_findings(folder, reported)
    return Submission(student_id, answers, code_files, tuple(errors), rejected)
