"""Rewrite ``examples/submissions/`` from the current exercise bank (instructor tool, not for students).

It lives in ``tools/``, not ``examples/``: ``examples/`` is shipped in the wheel as the sample class
(``cnngrade.examples``), and this script reads ``solutions/``, which is never shipped.

The sample class must match the variants the bank generates for ``assignment.yaml``, so when an
exercise family changes its generator, run ``.venv/bin/python tools/make_examples.py``. Students:

- s01 (zh): every answer right, in a different accepted notation each; a correct ``corr2d.py``; a
  correct ``conv2d.py``;
- s02 (en): each answer the one a named misconception gives; a ``corr2d.py`` that flips the kernel;
  a ``conv2d.py`` that forgets the bias;
- s03 (zh): a mix — one right, one partly right, malformed ones (``28*28*6``, a formula ending in
  ``+``), matrices with one wrong element, an empty answer, a wrong choice; a ``corr2d.py`` that
  calls a forbidden API; a ``conv2d.py`` that calls ``torch.nn.functional.conv2d`` (forbidden);
- s04 (en): only two answers, plus an unknown slot id; a ``conv2d.py`` that loops forever;
- s05 (zh): ``answers.yaml`` that is not valid YAML;
- s06 (zh): ``answers.yaml`` saved in GBK instead of UTF-8; a correct ``conv2d.ipynb`` notebook;
- s07 (en): on the roster, no folder at all.

The conv2d files are copied from ``examples/code/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import yaml

from cnngrade.exercises.assignment import load_manifest, load_roster, personal_problems

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "examples"
OUT = HERE / "submissions"
CODE = HERE / "code"
#: student -> the conv2d file they hand in (from examples/code/), saved as conv2d.py|.ipynb
CONV2D = {
    "s01": "conv2d_correct.py",
    "s02": "conv2d_buggy.py",
    "s03": "conv2d_forbidden.py",
    "s04": "conv2d_infinite_loop.py",
    "s06": "conv2d_notebook.ipynb",
}
# The sample students' own corr2d files, written here rather than copied from solutions/: the
# sample class ships in the wheel, and no file of solutions/ may (tests/test_packaging.py).
CORRECT = '''"""corr2d as in d2l: allocate the output with the size formula, then slide the window."""

import numpy as np


def corr2d(X, K):
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
'''
FLIPPED = '''"""My corr2d: I flip the kernel first, as in the convolution formula."""

import numpy as np


def corr2d(X, K):
    h, w = K.shape
    K = np.flip(K)
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
'''
FORBIDDEN = '''"""Uses SciPy's correlate2d, which the exercise forbids."""

from scipy.signal import correlate2d


def corr2d(X, K):
    return correlate2d(X, K, mode="valid")
'''


def _plain(v):
    """A whole number as an int (students write 6, not 6.0)."""
    return int(v) if float(v).is_integer() else v


def _typed(value, kind: str, style: int) -> str:
    """The key written the way different students write it."""
    if kind == "shape":
        forms = [
            "(" + ", ".join(map(str, value)) + ")",
            "×".join(map(str, value)),
            f"{'×'.join(map(str, value[:-3]))}×{value[-3]}@{value[-2]}×{value[-1]}",
        ]
        return forms[style % 3]
    if kind in ("int_matrix", "matrix"):
        value = [[_plain(v) for v in row] for row in value]
        forms = [str(value), "; ".join(" ".join(map(str, r)) for r in value), str(np.array(value))]
        return forms[style % 3]
    if kind == "integer":
        return [f"{value:,}", str(value)][style % 2]
    if kind == "choice":
        return "ABCDEFGH"[value]
    if kind == "symbolic":
        return value.replace("**", "^").replace("*", " ")
    return str(value)


def _answers(problems, who: str) -> dict[str, str]:
    out = {}
    for i, p in enumerate(problems):
        kind = p.spec.kind
        if who == "s01":
            out[p.slot] = _typed(p.answer, kind, i)
        elif who == "s02":
            wrong = next(iter(p.misconception_answers.values()), None)
            out[p.slot] = _typed(wrong if wrong is not None else p.answer, kind, i)
        elif who == "s03":
            out[p.slot] = _s03(p, i)
        elif who == "s04" and i < 2:
            out[p.slot] = _typed(p.answer, kind, i)
    if who == "s04":
        out["conv_output_shape.9"] = "(1, 2, 3, 4)"
    return out


def _s03(problem, i: int) -> str:
    kind, key = problem.spec.kind, problem.answer
    if kind == "shape" and i == 0:
        return _typed(key[:-1] + [key[-1] + 1], kind, 0)  # width wrong
    if kind == "shape":
        return "*".join(map(str, reversed(key[1:])))  # the slides' H*W*C: refused as ambiguous
    if kind in ("int_matrix", "matrix"):
        wrong = [[_plain(v) for v in row] for row in key]
        wrong[-1][0] += 1
        return str(wrong)
    if kind == "integer" and i % 2:
        return ""
    if kind == "symbolic":
        return key.replace("**", "^") + " +"  # a dangling operator: a format finding
    if kind == "choice":
        return "ABCDEFGH"[(key + 1) % len(problem.spec.choices)]
    return _typed(key, kind, i)


def main() -> None:
    assignment = load_manifest(HERE / "assignment.yaml")
    if OUT.exists():
        shutil.rmtree(OUT)
    code = {"s01": CORRECT, "s02": FLIPPED, "s03": FORBIDDEN}
    for student in load_roster(HERE / "roster.csv"):
        if student.id == "s07":
            continue
        folder = OUT / student.id
        folder.mkdir(parents=True)
        if student.id in CONV2D:
            source = CODE / CONV2D[student.id]
            shutil.copyfile(source, folder / f"conv2d{source.suffix}")
        if student.id == "s05":
            (folder / "answers.yaml").write_text(
                "conv_output_shape.1: [2, 96\nsame_padding.1: : 3\n", encoding="utf-8"
            )
            continue
        problems = personal_problems(assignment, student.id, lang=student.lang)
        who = "s01" if student.id == "s06" else student.id
        text = yaml.safe_dump(_answers(problems, who), allow_unicode=True, sort_keys=False)
        if student.id == "s06":
            (folder / "answers.yaml").write_bytes(("# 我的答案\n" + text).encode("gbk"))
            continue
        (folder / "answers.yaml").write_text(text, encoding="utf-8")
        if student.id in code:
            (folder / "corr2d.py").write_text(code[student.id], encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
