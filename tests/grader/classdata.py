"""A small answer-only assignment and helpers to write student folders (shared by the class tests)."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = """id: test-hw
title: Test homework
language: en
exercises:
  - {id: conv_output_shape, count: 1, difficulty: 2, points: 2}
  - {id: same_padding, count: 1, points: 1}
  - {id: corr2d_single, count: 1, points: 2}
  - {id: find_stride, count: 1, points: 1}
"""


def write_manifest(folder: Path, text: str = MANIFEST) -> Path:
    path = folder / "assignment.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def write_answers(folder: Path, student: str, answers: dict) -> Path:
    target = folder / student
    target.mkdir(parents=True, exist_ok=True)
    (target / "answers.yaml").write_text(
        yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8"
    )
    return target
