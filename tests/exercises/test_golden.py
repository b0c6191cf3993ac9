"""Golden variants: parameters, answers and misconception answers of pinned seeds never drift.

A change to a generator, to ``reference/`` or to the seeding shows up here. If the change is
intended, regenerate with ``CNNGRADE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/exercises/test_golden.py``
and commit the JSON diff with a note on why the variants changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cnngrade.exercises import registry
from cnngrade.exercises.core import Exercise
from cnngrade.exercises.instantiate import instantiate
from cnngrade.exercises.seeding import variant_seed

GOLDEN = Path(__file__).parent / "golden"
STUDENTS = ("s001", "2023010042")


def _variants(exercise: Exercise) -> list[dict]:
    rows = []
    for difficulty in exercise.difficulties:
        for student in STUDENTS:
            seed = variant_seed("golden", student, f"{exercise.id}.1", 0)
            problem = instantiate(exercise, seed, difficulty=difficulty, lang="en")
            rows.append(
                {
                    "student": student,
                    "difficulty": difficulty,
                    "seed": seed,
                    "params": problem.params,
                    "answer": problem.answer,
                    "misconceptions": problem.misconception_answers,
                }
            )
    return json.loads(json.dumps(rows))


@pytest.mark.parametrize("exercise", registry.all_exercises(), ids=lambda e: e.id)
def test_pinned_variants_do_not_drift(exercise: Exercise) -> None:
    path = GOLDEN / f"{exercise.id}.json"
    current = _variants(exercise)
    if os.environ.get("CNNGRADE_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not path.exists():
        pytest.fail(
            f"no golden file for {exercise.id}; create it with CNNGRADE_UPDATE_GOLDEN=1 (see module doc)"
        )
    assert json.loads(path.read_text(encoding="utf-8")) == current


def test_no_orphan_golden_files() -> None:
    orphans = sorted(p.stem for p in GOLDEN.glob("*.json"))
    assert set(orphans) <= set(registry.names()), (
        f"golden files without an exercise: {set(orphans) - set(registry.names())}"
    )


def test_seed_derivation_is_pinned() -> None:
    # The documented hash: SHA-256 of "cnngrade-v1␟golden␟s001␟conv_output_shape.1␟0", first 8 bytes.
    import hashlib

    digest = hashlib.sha256(
        "\x1f".join(["cnngrade-v1", "golden", "s001", "conv_output_shape.1", "0"]).encode()
    ).digest()
    assert variant_seed("golden", "s001", "conv_output_shape.1", 0) == int.from_bytes(
        digest[:8], "big"
    )
