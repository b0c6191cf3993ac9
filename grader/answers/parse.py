"""``parse_answer(raw, spec)``: what a student typed → a value of the spec's kind, or a FormatError.

One parser per answer kind (:data:`exercises.core.ANSWER_KINDS`); each accepts the notations listed
in its module (:mod:`grader.answers.numbers`, :mod:`grader.answers.arrays`,
:mod:`grader.answers.symbolic`). Multiple choice takes a letter (``B``, ``b``, ``(b)``, ``B.``), a
1-based number, or the option's text in either language.

Parsed values: integer → ``int``; number → ``Fraction``; shape → ``tuple[int, ...]``; matrix and
int_matrix → float64 ``ndarray``; symbolic → ``sympy.Expr``; choice → 0-based ``int``.
"""

from __future__ import annotations

import re
from typing import Any

from exercises.core import AnswerSpec, Text
from grader.answers.arrays import MATRIX_HELP, SHAPE_HELP, parse_matrix, parse_shape
from grader.answers.numbers import expected_number, parse_number
from grader.answers.symbolic import expected_formula, parse_symbolic
from grader.answers.text import FormatError, format_error, normalize

__all__ = ["FormatError", "parse_answer", "parse_choice"]

_LETTER = re.compile(r"^\(?([A-Za-z])\)?[.):]?$")


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", normalize(text)).casefold().rstrip(".")


def parse_choice(raw: object, spec: AnswerSpec) -> int:
    """The 0-based index of the chosen option; raises FormatError naming the valid letters.

    >>> from exercises.core import Text
    >>> spec = AnswerSpec("choice", choices=(Text("zeros", "补零"), Text("reflect", "反射")))
    >>> parse_choice("(b)", spec), parse_choice("1", spec), parse_choice("补零", spec)
    (1, 0, 0)
    """
    text = normalize(raw)
    n = len(spec.choices)
    if (m := _LETTER.match(text)) is not None:
        index = ord(m.group(1).upper()) - ord("A")
    elif text.isdigit() and len(text) <= 3:
        index = int(text) - 1
    else:
        folded = _fold(text)
        matches = [i for i, c in enumerate(spec.choices) if folded in (_fold(c.en), _fold(c.zh))]
        index = matches[0] if len(matches) == 1 else -1
    if not 0 <= index < n:
        raise FormatError(expected_format(spec))
    return index


def expected_format(spec: AnswerSpec) -> Text:
    """What an answer of this spec looks like, in both languages (for format findings).

    >>> expected_format(AnswerSpec("integer")).en
    'expected a whole number, e.g. 60964224, 60,964,224 or 6.1e7'
    """
    kind = spec.kind
    if kind in ("integer", "number"):
        return Text(*expected_number(kind == "integer", spec.units))
    if kind == "shape":
        return Text(*SHAPE_HELP)
    if kind in ("matrix", "int_matrix"):
        return Text(*MATRIX_HELP)
    if kind == "symbolic":
        return Text(*expected_formula([name for name, _ in spec.symbols]))
    last = chr(ord("A") + len(spec.choices) - 1)
    return Text(
        f"expected one option: a letter A–{last}, a number 1–{len(spec.choices)}, or the option's text",
        f"应选择一个选项：字母 A–{last}、序号 1–{len(spec.choices)} 或选项原文",
    )


def parse_answer(raw: Any, spec: AnswerSpec) -> Any:
    """Parse a typed answer according to ``spec.kind``; raises FormatError if malformed.

    Args:
        raw: the student's text (numbers read from YAML are accepted too).
        spec: the problem's :class:`exercises.core.AnswerSpec`.

    >>> parse_answer("1×6×28×28", AnswerSpec("shape"))
    (1, 6, 28, 28)
    >>> parse_answer("60,964,224", AnswerSpec("integer"))
    60964224
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        help_ = expected_format(spec)
        raise format_error(f"the answer is empty: {help_.en}", f"答案为空：{help_.zh}")
    kind = spec.kind
    if kind == "integer":
        return int(parse_number(raw, units=spec.units, integer=True))
    if kind == "number":
        return parse_number(raw, units=spec.units)
    if kind == "shape":
        return parse_shape(raw)
    if kind in ("matrix", "int_matrix"):
        return parse_matrix(raw)
    if kind == "symbolic":
        return parse_symbolic(raw, spec.symbols)
    if kind == "choice":
        return parse_choice(raw, spec)
    raise ValueError(f"spec.kind must be one of the answer kinds, got {kind!r}")
