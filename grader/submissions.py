"""Reading a student's folder: ``answers.yaml`` (or ``.yml`` / ``.json``) and code files.

Layout of ``SUBMISSIONS/<student id>/``::

    answers.yaml          # slot id (or exercise id, when it has one slot) → the typed answer
    conv2d_forward.py     # a code slot: <slot>.py|.ipynb or <exercise id>.py|.ipynb

Only the answers are trusted from a submission: the problems are regenerated from the manifest and
the student id. Anything unreadable (no folder, invalid YAML/JSON, not UTF-8, unknown slot ids) is
reported in ``Submission.errors`` phrased for the student; it never raises.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from cnngrade.exercises.assignment import Slot
from cnngrade.grader.types import Submission

__all__ = ["ANSWER_FILES", "fingerprint", "read_submission"]

ANSWER_FILES = ("answers.yaml", "answers.yml", "answers.json")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when present
_MAX_BYTES = 1_000_000
_MAX_ITEMS = 10_000


def fingerprint(manifest_text: str, folder: Path | None, *settings: str) -> str:
    """SHA-256 over the manifest, every file of the folder (path and bytes) and grader settings.

    >>> fingerprint("id: hw1", None) == fingerprint("id: hw1", None)
    True
    """
    h = hashlib.sha256()
    for part in (manifest_text, *settings):
        h.update(part.encode("utf-8") + b"\x1f")
    if folder is None or not folder.is_dir():
        h.update(b"<no folder>")
        return h.hexdigest()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        h.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\x1f")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


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
    data = path.read_bytes()
    if len(data) > _MAX_BYTES:
        return None, f"{path.name} is larger than {_MAX_BYTES} bytes"
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


def _code_files(folder: Path, slots: Sequence[Slot]) -> dict[str, Path]:
    found = {}
    for slot in slots:
        if slot.kind != "code":
            continue
        for stem in (slot.slot, slot.exercise_id):
            candidates = [folder / f"{stem}{ext}" for ext in (".py", ".ipynb")]
            hit = next((c for c in candidates if c.is_file() and not c.is_symlink()), None)
            if hit is not None:
                found[slot.slot] = hit
                break
    return found


def read_submission(folder: Path | None, student_id: str, slots: Sequence[Slot]) -> Submission:
    """Everything a student handed in, with readable errors instead of exceptions.

    Args:
        folder: ``SUBMISSIONS/<student>`` (None or absent: an error saying so).
        student_id: recorded in the Submission.
        slots: the assignment's slots (for exercise-id keys and code file names).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "answers.yaml").write_text("a.1: (1, 6, 28, 28)\\nzzz: 3\\n")
    >>> sub = read_submission(folder, "s1", [Slot("a.1", "a", "answer", 1, 1.0)])
    >>> sub.answers, sub.errors[0][:32]
    ({'a.1': '(1, 6, 28, 28)'}, "answers.yaml: unknown slot 'zzz'")
    """
    if folder is None or not folder.is_dir():
        return Submission(student_id, errors=("no submission folder was found for this student",))
    errors: list[str] = []
    answers: dict[str, str] = {}
    answer_file = next((folder / n for n in ANSWER_FILES if (folder / n).is_file()), None)
    if answer_file is not None and answer_file.is_symlink():
        errors.append(f"{answer_file.name} is a symbolic link; hand in a regular file")
    elif answer_file is not None:
        raw, error = _load(answer_file)
        if error:
            errors.append(error)
        else:
            answers, errors = _answers(raw, answer_file.name, slots)
    elif any(s.kind == "answer" for s in slots):
        errors.append(f"no answers file ({' / '.join(ANSWER_FILES)}) in the submission folder")
    return Submission(student_id, answers, _code_files(folder, slots), tuple(errors))
