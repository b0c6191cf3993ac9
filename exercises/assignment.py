"""Assignments: a YAML manifest, a CSV roster, and each student's personal problem set.

Manifest (YAML)::

    id: hw3                      # required; part of every variant's seed
    title: Convolution sizes     # default: the id
    language: zh                 # zh | en, default zh
    attempt: 0                   # default 0; a new attempt draws new variants
    exercises:
      - {id: conv_output_shape, count: 2, difficulty: 2, points: 1}
      - {id: conv2d_forward}     # a code exercise (exercises.code) is a task, not an answer Problem
      - {id: conv2d, seconds: 1} # code only: time budget per test case (capped by the exercise's)
      - {id: residual, convention: paper}  # module exercises: accept only this convention (d2l | paper)

Slots are ``"<exercise id>.<k>"`` (k from 1, counting across entries with the same id). A variant is
``variant_seed(assignment id, student id, slot, attempt)``. Every instructor mistake raises a
ValueError naming the file, the line and the fix.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cnngrade.exercises import registry
from cnngrade.exercises.core import LANGS, Lang, Problem
from cnngrade.exercises.instantiate import instantiate
from cnngrade.exercises.seeding import variant_seed

_TOP_KEYS = ("id", "title", "language", "attempt", "exercises")
_ITEM_KEYS = ("id", "count", "difficulty", "points", "seconds", "convention")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STUDENT_ID = re.compile(r"^[^\W_][\w.@-]*$")


@dataclass(frozen=True)
class Slot:
    """One numbered place in an assignment: an answer exercise or a code exercise."""

    slot: str
    exercise_id: str
    kind: str  # "answer" | "code"
    difficulty: int
    points: float
    seconds: float | None = None  # code slots: the per-case time budget (None: the exercise's own)
    convention: str | None = None  # module slots: the one accepted convention (None: all offered)

    @property
    def code_id(self) -> str:
        """The code registry id of this slot: ``residual:paper`` when a convention narrows it."""
        return f"{self.exercise_id}:{self.convention}" if self.convention else self.exercise_id


@dataclass(frozen=True)
class Assignment:
    """A parsed manifest."""

    id: str
    title: str
    language: Lang
    attempt: int
    slots: tuple[Slot, ...]
    source: str = "<manifest>"


@dataclass(frozen=True)
class Student:
    """One roster row; ``lang`` is None when the roster does not say."""

    id: str
    name: str = ""
    lang: Lang | None = None


def code_registry() -> Any:
    """``exercises.code`` (the code-exercise registry), or None while it does not exist."""
    try:
        from cnngrade.exercises import code
    except ImportError:
        return None
    return code if hasattr(code, "get") and hasattr(code, "names") else None


def _code_points(exercise: Any) -> float:
    """A code exercise's default points: ``points`` if it has them, else its case groups' total."""
    if hasattr(exercise, "points"):
        return float(exercise.points)
    total = getattr(exercise, "max_score", 1.0)
    return float(total() if callable(total) else total)


class _Where:
    """Error messages that point at ``file:line``."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, node: yaml.Node | None, message: str) -> ValueError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ValueError(f"{self.source}:{line}: {message}")


def _mapping(
    node: yaml.Node, where: _Where, what: str, allowed: tuple[str, ...]
) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise where.error(
            node, f"{what} must be a mapping of keys to values; write `key: value` lines"
        )
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
            raise where.error(key_node, f"unknown key {key!r} in {what}; {hint}")
        if key in out:
            raise where.error(key_node, f"key {key!r} appears twice in {what}; keep one")
        out[key] = value_node
    return out


def _scalar(
    node: yaml.Node | None, where: _Where, name: str, kinds: tuple[type, ...], default: Any
) -> Any:
    """The value of a scalar node if it has one of ``kinds`` (bools never count as numbers)."""
    if node is None:
        return default
    value = _CONSTRUCTOR.construct_object(node) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, bool) or not isinstance(value, kinds):
        wanted = " or ".join(k.__name__ for k in kinds)
        raise where.error(node, f"{name} must be a {wanted}, got {getattr(node, 'value', node)!r}")
    return value


def _exercise_ids() -> tuple[list[str], Any]:
    code = code_registry()
    return registry.names() + (list(code.names()) if code else []), code


def _item_slots(node: yaml.Node, where: _Where, counter: dict[str, int], code: Any) -> list[Slot]:
    fields = _mapping(node, where, "an exercises entry", _ITEM_KEYS)
    if "id" not in fields:
        raise where.error(node, "an exercises entry has no `id`; add `id: <exercise id>`")
    ex_id = _scalar(fields["id"], where, "id", (str,), None)
    if ex_id in registry.names():
        exercise, kind = registry.get(ex_id), "answer"
        levels, default_points = exercise.difficulties, exercise.points
    elif code is not None and ex_id in code.names():
        exercise, kind = code.get(ex_id), "code"
        levels, default_points = (1, 2, 3), _code_points(exercise)
    else:
        close = difflib.get_close_matches(ex_id, _exercise_ids()[0], n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "`cnngrade list` shows every id"
        raise where.error(fields["id"], f"unknown exercise id {ex_id!r}; {hint}")
    count = _scalar(fields.get("count"), where, "count", (int,), 1)
    if not 1 <= count <= 100:
        raise where.error(
            fields["count"], f"count must be between 1 and 100, got {count}; use a positive number"
        )
    difficulty = _scalar(fields.get("difficulty"), where, "difficulty", (int,), min(levels))
    if difficulty not in levels:
        raise where.error(
            fields["difficulty"],
            f"difficulty={difficulty} is not offered by {ex_id!r}; use one of {tuple(levels)}",
        )
    points = float(_scalar(fields.get("points"), where, "points", (int, float), default_points))
    if points < 0:
        raise where.error(fields["points"], f"points must be >= 0, got {points}")
    seconds = _seconds(fields.get("seconds"), where, ex_id, kind)
    convention = _convention(
        fields.get("convention"), where, ex_id, exercise if kind == "code" else None
    )
    slots = []
    for _ in range(count):
        counter[ex_id] = counter.get(ex_id, 0) + 1
        slots.append(
            Slot(f"{ex_id}.{counter[ex_id]}", ex_id, kind, difficulty, points, seconds, convention)
        )
    return slots


def _seconds(node: yaml.Node | None, where: _Where, ex_id: str, kind: str) -> float | None:
    """A code slot's per-case time budget in seconds (None when the entry gives none)."""
    if node is None:
        return None
    if kind != "code":
        raise where.error(node, f"seconds applies to code exercises only, not to {ex_id!r}")
    seconds = float(_scalar(node, where, "seconds", (int, float), None))
    if not 0 < seconds <= 600:
        raise where.error(node, f"seconds must be > 0 and <= 600, got {seconds:g}")
    return seconds


def _convention(node: yaml.Node | None, where: _Where, ex_id: str, exercise: Any) -> str | None:
    """A module slot's accepted convention (None when the entry gives none: all it offers)."""
    if node is None:
        return None
    offered = tuple(getattr(exercise, "conventions", ()) or ())
    if not offered:
        raise where.error(
            node, f"convention applies to module code exercises only, not to {ex_id!r}"
        )
    value = _scalar(node, where, "convention", (str,), None)
    if value not in offered:
        raise where.error(
            node, f"convention {value!r} is not offered by {ex_id!r}; use one of {offered}"
        )
    return value


def _compose(text: str, source: str) -> yaml.Node:
    """The YAML node tree (with line marks); invalid or empty YAML is an instructor error."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ValueError(
            f"{source}:{line}: invalid YAML ({problem}); fix the indentation or quoting"
        ) from None
    if root is None:
        raise ValueError(f"{source}:1: the manifest is empty; give at least `id:` and `exercises:`")
    return root


def parse_manifest(text: str, source: str = "<manifest>") -> Assignment:
    """Parse a manifest from YAML text (``source`` names the file in errors).

    >>> a = parse_manifest("id: hw1\\nexercises:\\n  - {id: find_stride, count: 2}")
    >>> [s.slot for s in a.slots], a.language
    (['find_stride.1', 'find_stride.2'], 'zh')
    """
    where = _Where(source)
    root = _compose(text, source)
    top = _mapping(root, where, "the manifest", _TOP_KEYS)
    if "id" not in top:
        raise where.error(root, "the manifest has no `id`; add `id: <assignment id>`")
    assignment_id = str(_scalar(top["id"], where, "id", (str, int), None)).strip()
    if not assignment_id:
        raise where.error(top["id"], "the assignment id is empty; write e.g. `id: hw1`")
    language = _scalar(top.get("language"), where, "language", (str,), "zh")
    if language not in LANGS:
        raise where.error(top["language"], f"unknown language {language!r}; use one of {LANGS}")
    attempt = _scalar(top.get("attempt"), where, "attempt", (int,), 0)
    if attempt < 0:
        raise where.error(top["attempt"], f"attempt must be >= 0, got {attempt}")
    items = top.get("exercises")
    if not isinstance(items, yaml.SequenceNode) or not items.value:
        raise where.error(
            items or root, "`exercises:` must be a non-empty list of `- {id: ..., count: ...}`"
        )
    counter: dict[str, int] = {}
    code = code_registry()
    slots = [s for item in items.value for s in _item_slots(item, where, counter, code)]
    title = str(_scalar(top.get("title"), where, "title", (str, int, float), assignment_id))
    return Assignment(assignment_id, title, language, attempt, tuple(slots), source)


def load_manifest(path: str | Path) -> Assignment:
    """Read and validate a manifest file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"{path}: cannot read the manifest ({exc}); check the path and save it as UTF-8"
        ) from None
    return parse_manifest(text, str(path))


def personal_problems(
    assignment: Assignment, student_id: str, attempt: int | None = None, lang: Lang | None = None
) -> list[Problem]:
    """The student's Problems, one per answer slot, in manifest order (code slots are skipped).

    >>> a = parse_manifest("id: hw1\\nlanguage: en\\nexercises:\\n  - {id: find_stride}")
    >>> [p.slot for p in personal_problems(a, "s001")], personal_problems(a, "s001")[0].lang
    (['find_stride.1'], 'en')
    """
    attempt = assignment.attempt if attempt is None else attempt
    lang = lang or assignment.language
    return [
        instantiate(
            registry.get(slot.exercise_id),
            variant_seed(assignment.id, student_id, slot.slot, attempt),
            difficulty=slot.difficulty,
            lang=lang,
            slot=slot.slot,
            points=slot.points,
        )
        for slot in assignment.slots
        if slot.kind == "answer"
    ]


def code_slots(assignment: Assignment) -> list[Slot]:
    """The code-exercise slots (rendered as tasks; graded from source files)."""
    return [slot for slot in assignment.slots if slot.kind == "code"]


def _roster_lang(value: str, source: str, line: int) -> Lang | None:
    value = value.strip()
    if not value:
        return None
    if value not in LANGS:
        raise ValueError(
            f"{source}:{line}: unknown language {value!r}; use one of {LANGS} or leave it empty"
        )
    return value


def load_roster(path: str | Path) -> list[Student]:
    """Read a roster CSV with an ``id`` (or ``student_id``) column and optional ``name``, ``lang``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the roster ({exc}); save it as UTF-8 CSV") from None
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in reader.fieldnames or []]
    id_column = next((c for c in ("id", "student_id") if c in columns), None)
    if id_column is None:
        raise ValueError(
            f"{path}:1: the roster has no `id` column (columns: {columns}); add an `id` header"
        )
    seen: dict[str, int] = {}
    students = []
    for row in reader:
        row = {(k or "").strip(): (v or "") for k, v in row.items()}
        line = reader.line_num
        if not any(v.strip() for v in row.values()):
            continue
        student_id = row[id_column].strip()
        if not _STUDENT_ID.match(student_id):
            raise ValueError(
                f"{path}:{line}: student id {student_id!r} is not usable as a folder name; "
                "use letters, digits, '.', '-', '_' or '@', starting with a letter or digit"
            )
        if student_id in seen:
            raise ValueError(
                f"{path}:{line}: student id {student_id!r} already appears on line {seen[student_id]}; remove the duplicate"
            )
        seen[student_id] = line
        students.append(
            Student(
                student_id,
                row.get("name", "").strip(),
                _roster_lang(row.get("lang", ""), str(path), line),
            )
        )
    if not students:
        raise ValueError(
            f"{path}: the roster has no students; add one row per student under the header"
        )
    return students
