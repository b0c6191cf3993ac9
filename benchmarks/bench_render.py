"""Time personal problem sets for a class: 1,000 students × 10 exercises rendered to Markdown.

Usage: ``.venv/bin/python -m benchmarks.bench_render [--students 1000] [--out DIR]``.
Phases: *generate* (draw params, compute answers with ``reference/``, misconception answers, prompts
and worked solutions in the student's language), *render* (problem set + answer key to Markdown,
in memory), and *write* (the whole ``cnngrade generate`` to a folder). Nothing is shared between
students but the read-only bank; goal: generate + render < 10 s. Wall times are reported with the
process CPU time beside them (the shared 2-core machine is often busy). Prints a table and writes
``benchmarks/results/render.json``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import tempfile
import time

from cnngrade.exercises.assignment import Student, parse_manifest, personal_problems
from cnngrade.exercises.render import answer_key_markdown, problem_set_markdown
from cnngrade.grader.cli.exercises_cmds import write_class

MANIFEST = """\
id: bench
title: Benchmark
exercises:
  - {id: conv_output_shape, difficulty: 3}
  - {id: pool_ceil_mode_shape, difficulty: 2}
  - {id: find_padding, difficulty: 2}
  - {id: depthwise_separable_params, difficulty: 2}
  - {id: inception_params, difficulty: 3}
  - {id: depthwise_separable_macs, difficulty: 2}
  - {id: receptive_field_pooling, difficulty: 3}
  - {id: alexnet_shapes, difficulty: 2}
  - {id: corr2d_padded, difficulty: 2}
  - {id: max_pool_hand, difficulty: 2}
"""
RESULTS = pathlib.Path(__file__).parent / "results" / "render.json"


def _students(count: int) -> list[Student]:
    return [Student(f"s{i:05d}", lang="zh" if i % 3 else "en") for i in range(count)]


def run(students: int) -> dict[str, float]:
    assignment = parse_manifest(MANIFEST, "bench.yaml")
    roster = _students(students)
    start, cpu_start = time.perf_counter(), time.process_time()
    sets = [(s, personal_problems(assignment, s.id, lang=s.lang)) for s in roster]
    generated = time.perf_counter()
    chars = 0
    for student, problems in sets:
        common = {"title": assignment.title, "student_id": student.id, "lang": student.lang}
        chars += len(problem_set_markdown(problems, **common)) + len(
            answer_key_markdown(problems, **common)
        )
    rendered, cpu_rendered = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        write_class(assignment, roster, pathlib.Path(folder), "md")
    written = time.perf_counter()
    return {
        "students": students,
        "problems": sum(len(p) for _, p in sets),
        "generate_s": generated - start,
        "render_md_s": rendered - generated,
        "generate_plus_render_s": rendered - start,
        "generate_plus_render_cpu_s": cpu_rendered - cpu_start,
        "write_folder_s": written - rendered,
        "markdown_chars": chars,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args.students)
    result["goal_s"] = 10.0
    result["machine"] = f"{platform.machine()} {platform.python_version()}"
    print(f"{'phase':<26}{'seconds':>10}")
    phases = (
        "generate_s",
        "render_md_s",
        "generate_plus_render_s",
        "generate_plus_render_cpu_s",
        "write_folder_s",
    )
    for key in phases:
        print(f"{key:<26}{result[key]:>10.2f}")
    per = 1e3 * result["generate_plus_render_s"] / result["problems"]
    print(f"{result['problems']} problems, {per:.2f} ms each; goal generate + render < 10 s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
