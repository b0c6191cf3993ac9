"""Manifests, rosters and personal problem sets: determinism, slots, and every instructor mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnngrade.exercises.assignment import (
    Slot,
    load_manifest,
    load_roster,
    parse_manifest,
    personal_problems,
)
from cnngrade.exercises.render import problem_to_json
from cnngrade.exercises.seeding import variant_seed

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = """\
id: hw3
title: Sizes
language: en
exercises:
  - {id: conv_output_shape, count: 2, difficulty: 3, points: 2}
  - id: receptive_field_dilated
  - {id: conv_output_shape}
"""


def test_slots_are_numbered_per_exercise_across_entries() -> None:
    a = parse_manifest(MANIFEST)
    assert [s.slot for s in a.slots] == [
        "conv_output_shape.1",
        "conv_output_shape.2",
        "receptive_field_dilated.1",
        "conv_output_shape.3",
    ]
    assert a.slots[0] == Slot("conv_output_shape.1", "conv_output_shape", "answer", 3, 2.0)
    assert a.slots[3].difficulty == 1 and a.slots[3].points == 1.0
    assert (a.id, a.title, a.language, a.attempt) == ("hw3", "Sizes", "en", 0)


def test_personal_problems_use_the_documented_seed() -> None:
    a = parse_manifest(MANIFEST)
    problems = personal_problems(a, "s001")
    assert [p.seed for p in problems] == [variant_seed("hw3", "s001", s.slot, 0) for s in a.slots]
    assert [p.points for p in problems] == [2.0, 2.0, 1.0, 1.0]
    assert all(p.lang == "en" for p in problems)
    assert personal_problems(a, "s001", lang="zh")[0].answer == problems[0].answer


def test_students_attempts_and_slots_get_different_variants() -> None:
    a = parse_manifest(MANIFEST)
    mine = [p.params for p in personal_problems(a, "s001")]
    assert mine != [p.params for p in personal_problems(a, "s002")]
    assert mine != [p.params for p in personal_problems(a, "s001", attempt=1)]
    assert mine[0] != mine[1]


def test_same_variants_in_a_fresh_process_with_another_hash_seed(tmp_path: Path) -> None:
    (tmp_path / "hw.yaml").write_text(MANIFEST, encoding="utf-8")
    code = (
        "import json, sys; from exercises.assignment import load_manifest, personal_problems;"
        "from exercises.render import problem_to_json;"
        "a = load_manifest(sys.argv[1]);"
        "print(json.dumps([problem_to_json(p) for p in personal_problems(a, 's042')]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "hw.yaml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    here = [problem_to_json(p) for p in personal_problems(parse_manifest(MANIFEST), "s042")]
    assert json.loads(out) == json.loads(json.dumps(here))


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: hw\nexercises:\n  - {id: conv_outptu_shape}\n", 3, "did you mean conv_output_shape"),
        (
            "id: hw\nexercises:\n  - {id: find_stride, count: 0}\n",
            3,
            "count must be between 1 and 100",
        ),
        ("id: hw\nexercises:\n  - {id: find_stride, count: two}\n", 3, "count must be a int"),
        (
            "id: hw\nexercises:\n  - {id: find_stride, difficulty: 7}\n",
            3,
            "difficulty=7 is not offered",
        ),
        ("id: hw\nlanguage: fr\nexercises:\n  - {id: find_stride}\n", 2, "unknown language 'fr'"),
        ("id: hw\nexercises:\n  - {id: find_stride, cout: 2}\n", 3, "did you mean 'count'"),
        ("id: hw\nexercises: []\n", 2, "non-empty list"),
        ("title: x\nexercises:\n  - {id: find_stride}\n", 1, "no `id`"),
        ("id: hw\nexercises:\n  - {id: find_stride\n", 4, "invalid YAML"),
        ("id: hw\nattempt: -1\nexercises:\n  - {id: find_stride}\n", 2, "attempt must be >= 0"),
        ("id: hw\nexercises:\n  - {id: find_stride, points: -1}\n", 3, "points must be >= 0"),
        ("id: hw\nexercises:\n  - {id: find_stride, seconds: 1}\n", 3, "code exercises only"),
        ("id: hw\nexercises:\n  - {id: conv2d, seconds: 0}\n", 3, "seconds must be > 0"),
        (
            "id: hw\nexercises:\n  - {id: conv2d, seconds: fast}\n",
            3,
            "seconds must be a int or float",
        ),
        ("", 1, "empty"),
    ],
)
def test_instructor_mistakes_name_file_line_and_fix(text: str, line: int, words: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_manifest(text, "hw.yaml")
    message = str(info.value)
    assert message.startswith(f"hw.yaml:{line}: "), message
    assert words in message
    assert "\n" not in message


def test_load_manifest_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read the manifest"):
        load_manifest(tmp_path / "missing.yaml")


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_columns_and_languages(tmp_path: Path) -> None:
    path = _roster(tmp_path, "\ufeffstudent_id,name,lang\n2023001,张三,\n2023002,Bob,en\n\n")
    students = load_roster(path)
    assert [(s.id, s.name, s.lang) for s in students] == [
        ("2023001", "张三", None),
        ("2023002", "Bob", "en"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("name,lang\nA,zh\n", 1, "no `id` column"),
        ("id,name\ns1,A\ns2,B\ns1,C\n", 4, "already appears on line 2"),
        ("id,lang\ns1,fr\n", 2, "unknown language 'fr'"),
        ("id\n../etc\n", 2, "not usable as a folder name"),
        ("id\n_instructor\n", 2, "not usable as a folder name"),
    ],
)
def test_roster_mistakes(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _roster(tmp_path, text)
    with pytest.raises(ValueError) as info:
        load_roster(path)
    assert str(info.value).startswith(f"{path}:{line}: ") and words in str(info.value)


def test_empty_roster(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no students"):
        load_roster(_roster(tmp_path, "id,name\n"))


def test_problem_json_roundtrip_is_plain_data() -> None:
    problem = personal_problems(parse_manifest(MANIFEST), "s001")[0]
    data = problem_to_json(problem)
    assert json.loads(json.dumps(data)) == data


def test_code_exercises_become_code_slots_without_problems() -> None:
    from cnngrade.exercises import code

    code_id = code.names()[0]
    a = parse_manifest(
        f"id: hw\nexercises:\n  - {{id: find_stride}}\n  - {{id: {code_id}, points: 5}}\n"
    )
    assert [(s.slot, s.kind, s.points) for s in a.slots] == [
        ("find_stride.1", "answer", 1.0),
        (f"{code_id}.1", "code", 5.0),
    ]
    assert [p.slot for p in personal_problems(a, "s1")] == ["find_stride.1"]


def test_code_slots_carry_the_per_case_seconds() -> None:
    a = parse_manifest("id: hw\nexercises:\n  - {id: conv2d, seconds: 0.5}\n  - {id: corr2d}\n")
    assert [(s.slot, s.seconds) for s in a.slots] == [("conv2d.1", 0.5), ("corr2d.1", None)]
