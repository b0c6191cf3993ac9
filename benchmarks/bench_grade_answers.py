"""Benchmark: grading typed answers for 300 students × 10 answer exercises (goal: under 5 s).

Two figures: ``grade_answer`` alone over pre-generated problems (the judge), and the whole class
run (regenerate variants, read YAML folders, grade, write results/feedback/gradebook) on one core.
Answers are a realistic mix: right in varied notations, misconceptions, wrong, malformed, missing.
Run: ``.venv/bin/python -m benchmarks.bench_grade_answers``; writes benchmarks/results/grade_answers.json.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

import yaml

from cnngrade.exercises.assignment import load_manifest, personal_problems
from cnngrade.grader.answers import grade_answer
from cnngrade.grader.classrun import grade_class

STUDENTS = 300
HERE = Path(__file__).resolve().parent
MANIFEST = """id: bench
language: en
exercises:
  - {id: conv_output_shape, difficulty: 3}
  - {id: pool_output_shape}
  - {id: conv_params}
  - {id: receptive_field_stack}
  - {id: same_padding}
  - {id: corr2d_single}
  - {id: max_pool_hand}
  - {id: lstm_step}
  - {id: concept_padding_modes}
  - {id: symbolic_output_size}
"""


def _wrong(problem) -> str:
    kind, key = problem.spec.kind, problem.answer
    if kind == "integer":
        return str(key + 7)
    if kind == "shape":
        return str(key[:-1] + [key[-1] + 2])
    if kind in ("matrix", "int_matrix"):
        rows = key if isinstance(key[0], list) else [key]
        return str([[x + 1 for x in row] for row in rows])
    if kind == "choice":
        return "ABCDEFGH"[(key + 1) % len(problem.spec.choices)]
    if kind == "symbolic":
        return f"2*({key})"
    return str(float(key) * 3 + 1)


def _typed(problem, i: int) -> str | None:
    """Student i's answer: 50% right, 20% a misconception (else wrong), 10% wrong, 10% malformed,
    10% missing."""
    bucket = i % 10
    wrongs = list(problem.misconception_answers.values())
    if bucket < 5:
        return str(problem.answer)
    if bucket < 7 and wrongs:
        return str(wrongs[i % len(wrongs)])
    if bucket < 7:
        return _wrong(problem)
    if bucket < 8:
        return _wrong(problem)
    if bucket < 9:
        return "I don't know"
    return None


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        manifest = tmp / "assignment.yaml"
        manifest.write_text(MANIFEST, encoding="utf-8")
        assignment = load_manifest(manifest)
        start = time.perf_counter()
        classes = [personal_problems(assignment, f"s{i:03d}") for i in range(STUDENTS)]
        generate_s = time.perf_counter() - start
        answers = [[_typed(p, i + j) for j, p in enumerate(ps)] for i, ps in enumerate(classes)]
        start = time.perf_counter()
        for problems, typed in zip(classes, answers, strict=False):
            for problem, raw in zip(problems, typed, strict=False):
                if raw is not None:
                    grade_answer(problem, raw)
        judge_s = time.perf_counter() - start
        for i, (problems, typed) in enumerate(zip(classes, answers, strict=False)):
            folder = tmp / "subs" / f"s{i:03d}"
            folder.mkdir(parents=True)
            data = {p.slot: t for p, t in zip(problems, typed, strict=False) if t is not None}
            (folder / "answers.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
            )
        start = time.perf_counter()
        grade_class(tmp / "subs", manifest, tmp / "out")
        class_s = time.perf_counter() - start
        start = time.perf_counter()
        grade_class(tmp / "subs", manifest, tmp / "out")
        rerun_s = time.perf_counter() - start
    answers_n = STUDENTS * 10
    rows = [
        ("generate 300×10 variants", generate_s),
        ("grade_answer 300×10 (judge only)", judge_s),
        ("class run 300×10 (generate+read+grade+write)", class_s),
        ("rerun, nothing changed (all skipped)", rerun_s),
    ]
    print(f"{'what':<48}{'seconds':>10}{'per answer (ms)':>18}")
    for what, s in rows:
        print(f"{what:<48}{s:>10.2f}{1000 * s / answers_n:>18.3f}")
    verdict = "met" if judge_s < 5 else "NOT met"
    print(f"goal: grading 300×10 answers under 5 s -> {verdict}")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; the class run adds")
    print(" variant generation by the exercise bank, YAML reading, feedback rendering and writes)")
    out = HERE / "results" / "grade_answers.json"
    out.parent.mkdir(exist_ok=True)
    doc = {
        "students": STUDENTS,
        "exercises": 10,
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **{what: round(s, 3) for what, s in rows},
    }
    out.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
