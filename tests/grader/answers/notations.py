"""Helpers for the answer tests: a canonical answer written in every notation students use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import sympy

from cnngrade.exercises.core import AnswerSpec

#: the output-size formula in the notation of the course (H_out from n, k, p, s)
SIZE = AnswerSpec(
    "symbolic",
    symbols=(
        ("n", "positive_integer"),
        ("k", "positive_integer"),
        ("p", "nonnegative_integer"),
        ("s", "positive_integer"),
    ),
)


def _integer(v: int, spec: AnswerSpec) -> list[str]:
    out = [str(v), f"{v:,}", f"{v:_}", f"{v:,}".replace(",", " "), str(v).translate(_FULL_DIGITS)]
    if spec.units and v % 100 == 0 and abs(v) >= 1000:
        out.append(f"{v / 1000:g}K".replace("e+", "e"))
    return out


_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _shape(v: list[int]) -> list[str]:
    out = [
        str(tuple(v)),
        "x".join(map(str, v)),
        "×".join(map(str, v)),
        str(list(v)).replace(" ", ""),
        "（" + "，".join(map(str, v)) + "）",
        f"torch.Size({list(v)})",
    ]
    if len(v) >= 3:
        head = "×".join(map(str, v[:-3]))
        out.append((head + "×" if head else "") + f"{v[-3]}@{v[-2]}×{v[-1]}")
    return out


def _matrix(v: list, integer: bool) -> list[str]:
    a = np.asarray(v, dtype=np.int64 if integer else np.float64)
    precise = np.array2string(
        a, separator=", ", precision=17, max_line_width=10**6, threshold=10**6
    )
    out = [str(v), precise] + ([str(a)] if integer else [])
    if a.ndim == 2:
        rows = [" ".join(repr(x) if not integer else str(x) for x in row) for row in a.tolist()]
        out += [
            "; ".join(rows),
            "\n".join(rows),
            "［" + "，".join(str(r) for r in a.tolist()) + "］",
        ]
        out.append(
            "\\begin{bmatrix}"
            + " \\\\ ".join(r.replace(" ", " & ") for r in rows)
            + "\\end{bmatrix}"
        )
        out.append(
            "\n".join(
                ["| " + r.replace(" ", " | ") + " |" for r in rows[:1]]
                + ["|---" * a.shape[1] + "|"]
                + ["| " + r.replace(" ", " | ") + " |" for r in rows[1:]]
            )
        )
    return out


def _brackets(text: str) -> str:
    """``floor(x)`` → ``⌊x⌋`` and ``ceiling(x)`` → ``⌈x⌉``, matching parentheses."""
    for name, (left, right) in (("floor(", "⌊⌋"), ("ceiling(", "⌈⌉")):
        while (start := text.find(name)) >= 0:
            depth, i = 0, start + len(name) - 1
            while True:
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                if depth == 0:
                    break
                i += 1
            text = text[:start] + left + text[start + len(name) : i] + right + text[i + 1 :]
    return text


def _symbolic(v: str) -> list[str]:
    caret = v.replace("**", "^")
    return [
        v,
        caret,
        caret.replace("*", " "),
        str(sympy.expand(sympy.sympify(v))),
        _brackets(caret),
    ]


def notations(value: Any, spec: AnswerSpec) -> list[str]:
    """The canonical answer ``value`` typed in each notation the grader accepts for ``spec.kind``."""
    kind = spec.kind
    if kind == "integer":
        return _integer(int(value), spec)
    if kind == "number":
        return [repr(float(value)), f"{float(value):.15g}", f"{float(value):.15e}"]
    if kind == "shape":
        return _shape(list(value))
    if kind in ("matrix", "int_matrix"):
        return _matrix(value, kind == "int_matrix")
    if kind == "symbolic":
        return _symbolic(str(value))
    if kind == "choice":
        letter = chr(ord("A") + int(value))
        option = spec.choices[int(value)]
        return [
            letter,
            letter.lower(),
            f"({letter.lower()})",
            f"{letter}.",
            str(int(value) + 1),
            option.en,
            option.zh,
        ]
    raise ValueError(f"unknown kind {kind!r}")


def wrong_candidates(value: Any, spec: AnswerSpec) -> list[str]:
    """Answers that are certainly not ``value`` (callers skip those equal to a misconception)."""
    kind = spec.kind
    if kind == "integer":
        return [str(int(value) * 7 + 13), str(int(value) + 1), str(int(value) * 3 + 2)]
    if kind == "number":
        return [repr(float(value) * 3 + 1.25), repr(float(value) * 7 + 2.5)]
    if kind == "shape":
        return [
            str(tuple(v + (i == len(value) - 1) * d for i, v in enumerate(value))) for d in (5, 11)
        ]
    if kind in ("matrix", "int_matrix"):
        out = []
        for d in (3, 17):
            a = np.asarray(value, dtype=np.float64).copy()
            a.flat[0] += d
            out.append(str(a.tolist()))
        return out
    if kind == "symbolic":
        return [f"2*({value}) + 1", f"({value}) + 3"]
    if kind == "choice":
        n = len(spec.choices)
        return [chr(ord("A") + (int(value) + d) % n) for d in range(1, n)]
    raise ValueError(f"unknown kind {kind!r}")


def hostile_inputs(marker: Path) -> list[object]:
    """Malformed and malicious answers; none may parse, and ``marker`` must never be created."""
    touch = f"touch {marker}"
    return [
        "",
        " ",
        "\n\t",
        None,
        "garbage!!",
        "9" * 400,
        "1e999999",
        "-" * 50,
        "x" * 10_000,
        "[" * 10_000,
        "(" * 5000 + ")" * 5000,
        "9^9^9^9",
        "n^(9^9)",
        "2**1000000",
        f"__import__('os').system('{touch}')",
        f'__import__("os").system("{touch}")',
        "().__class__.__bases__[0].__subclasses__()",
        f"eval(\"__import__('os').system('{touch}')\")",
        f"exec('import os; os.system(\"{touch}\")')",
        f"lambda: __import__('os').system('{touch}')",
        f"open('{marker}', 'w')",
        "Symbol('n').__class__",
        "n.__class__",
        "getattr(n, 'x')",
        "globals()",
        "import os",
        "n; import os",
        "Function('f')(n)",
        "sympify('n')",
        "S('n')",
        "Integer(1)",
        "\x00",
        "１" * 5000,
        "[[1, 2]] + [[3]]",
        "n if n else k",
        "[n for n in range(10**9)]",
        "{1: 2}",
        "b'\\x00'",
    ]


_FULL_WIDTH = str.maketrans("0123456789,.-()[];:", "０１２３４５６７８９，．－（）［］；：")


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _typed_matrix(value: Any, integer: bool) -> list[str]:
    a = np.asarray(value, dtype=np.int64 if integer else np.float64)
    with np.printoptions(precision=17, threshold=10**6, linewidth=10**6):
        out = [repr(a.astype(np.int32) if integer else a)]
    if a.ndim == 2:
        rows = [[str(x) if integer else repr(x) for x in row] for row in a.tolist()]
        out += [
            "\\left[\\begin{matrix}"
            + " \\\\ ".join(" & ".join(r) for r in rows)
            + "\\end{matrix}\\right]",
            _minus("；".join("，".join(r) for r in rows)),
            "[" + "; ".join(" ".join(r) for r in rows) + "]",
        ]
    return out


def _typed_symbolic(value: str, spec: AnswerSpec) -> list[str]:
    from cnngrade.grader.answers.symbolic import symbols_for

    expr = sympy.sympify(value, locals=symbols_for(spec.symbols))
    plain = str(expr).replace("**", "^")
    return [
        sympy.latex(expr),
        "$" + sympy.latex(expr, mul_symbol="times") + "$",
        sympy.latex(expr, mul_symbol="dot"),
        "答：" + _minus(plain.replace("*", "×")),
        plain.replace("*", "·").translate(str.maketrans("()", "（）")),
    ]


def typed_variants(value: Any, spec: AnswerSpec) -> list[str]:
    """``value`` as students type it on Chinese keyboards, from LaTeX and from print-outs.

    Unlike :func:`notations` (one clean spelling per notation), these mix in full-width digits and
    punctuation, ``−``, labels such as ``答：``, unit words, LaTeX and NumPy/torch ``repr``.
    """
    kind = spec.kind
    if kind == "integer":
        v = int(value)
        return [
            _minus(str(v)).translate(_FULL_WIDTH) + " 个",
            _minus(f"{v:,}").translate(_FULL_WIDTH),
            f"答：{v:,}",
            f"{v} parameters",
            _minus(str(v)) + "。",
        ]
    if kind == "number":
        v = float(value)
        return [_minus(repr(v)), repr(v).translate(_FULL_WIDTH), f"= {v:.9e}", f"{v!r}。"]
    if kind == "shape":
        dims = [str(d) for d in value]
        out = [
            ("（" + "，".join(dims) + "）").translate(_FULL_WIDTH),
            " × ".join(dims) + "。",
            f"output shape: {tuple(value)}",
            "·".join(dims),
        ]
        if len(dims) >= 3:
            out.append(" × ".join(dims[:-3] + [f"{dims[-3]} @ {dims[-2]}x{dims[-1]}"]))
        return out
    if kind in ("matrix", "int_matrix"):
        return _typed_matrix(value, kind == "int_matrix")
    if kind == "symbolic":
        return _typed_symbolic(str(value), spec)
    if kind == "choice":
        letter = chr(ord("A") + int(value))
        return [
            "选" + letter,
            f"【{letter}】",
            f"{letter}. {spec.choices[int(value)].en}",
            f"答案：{letter.lower()}",
            f"{letter}选项",
        ]
    raise ValueError(f"unknown kind {kind!r}")
