"""``parse_answer(raw, spec)``: what a student typed → a value of the spec's kind, or a FormatError.

One parser per answer kind (:data:`exercises.core.ANSWER_KINDS`); each accepts the notations listed
in its module (:mod:`grader.answers.numbers`, :mod:`grader.answers.arrays`,
:mod:`grader.answers.symbolic`). Multiple choice takes a letter (``B``, ``b``, ``(b)``, ``B.``,
``【B】``, ``选B``, ``答案：B``, ``B选项`` — Chinese words around the letter are read as filler unless
they negate, as in ``不选B``), a 1-based number, the option's text in either language (spaces,
case, Markdown backticks and ``$`` ignored; an option that is a shape or a matrix also matches its
numbers typed in any accepted notation), or a letter followed by its own option's text
(``B. reflect``); a letter with another option's text is refused.

Parsed values: integer → ``int``; number → ``Fraction``; shape → ``tuple[int, ...]``; matrix and
int_matrix → float64 ``ndarray``; symbolic → ``sympy.Expr``; choice → 0-based ``int``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from cnngrade.exercises.core import AnswerSpec, Text
from cnngrade.grader.answers.arrays import MATRIX_HELP, SHAPE_HELP, parse_matrix, parse_shape
from cnngrade.grader.answers.numbers import expected_number, parse_number
from cnngrade.grader.answers.symbolic import expected_formula, parse_symbolic
from cnngrade.grader.answers.text import FormatError, format_error, normalize, strip_label

__all__ = ["FormatError", "parse_answer", "parse_choice"]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_NEGATIONS = re.compile("[不非没無无否错錯]")
_FILLER = re.compile(rf"^[{_CJK}\s:,.!?()\[\]【】「」〔〕]*$")
_LETTER = re.compile(
    rf"^(?P<before>[{_CJK}\s]*)[(\[【「〔]?\s*(?P<letter>[A-Za-z])\s*[)\]】」〕]?"
    r"(?:\s*[.):,]|(?=\s)|(?![A-Za-z]))\s*(?P<rest>.*)$",
    re.S,
)


@lru_cache(maxsize=1024)
def _key(text: str) -> str:
    """An option's text for comparison: no spaces, backticks, ``$`` or case."""
    return re.sub(r"[\s`$]+", "", normalize(text)).casefold().rstrip(".")


@lru_cache(maxsize=1024)
def _values(text: str) -> tuple[float, ...] | None:
    """The numbers of a text that is a shape or a matrix (at least two of them), else None."""
    text = text.strip().strip("`").strip()
    for read in (parse_matrix, parse_shape):
        try:
            values = tuple(float(v) for v in np.ravel(read(text)))
        except ValueError:
            continue
        return values if len(values) >= 2 else None
    return None


def _by_text(text: str, choices: tuple[Text, ...]) -> int | None:
    """The one option whose text (or, for shapes and matrices, whose numbers) ``text`` is."""
    key = _key(text)
    hits = {i for i, c in enumerate(choices) if key in (_key(c.en), _key(c.zh))}
    if not hits and (values := _values(text)) is not None:
        hits = {i for i, c in enumerate(choices) if values in (_values(c.en), _values(c.zh))}
    return hits.pop() if len(hits) == 1 else None


def _by_letter(text: str, spec: AnswerSpec) -> int | None:
    """``B``, ``(b)``, ``选B``, ``B选项``, ``B. reflect``: the letter's index (None if not a letter)."""
    m = _LETTER.match(text)
    if m is None or _NEGATIONS.search(m["before"] + m["rest"]):
        return None
    index = ord(m["letter"].upper()) - ord("A")
    rest = m["rest"].strip()
    if not rest or (_FILLER.match(rest) and _by_text(rest, spec.choices) is None):
        return index
    named = _by_text(rest, spec.choices)
    if named is None:
        return None
    if named != index:
        raise format_error(
            f"the letter {m['letter'].upper()} and the text after it name different options: "
            "give one option",
            f"字母 {m['letter'].upper()} 与其后的文字指向不同的选项：请只选一个",
        )
    return index


def parse_choice(raw: object, spec: AnswerSpec) -> int:
    """The 0-based index of the chosen option; raises FormatError naming the valid letters.

    >>> from exercises.core import Text
    >>> spec = AnswerSpec("choice", choices=(Text("zeros", "补零"), Text("reflect", "反射")))
    >>> parse_choice("(b)", spec), parse_choice("1", spec), parse_choice("补零", spec)
    (1, 0, 0)
    >>> parse_choice("答案：B", spec), parse_choice("选A", spec), parse_choice("B. reflect", spec)
    (1, 0, 1)
    """
    text = normalize(raw)
    label, rest = strip_label(text)
    if len(label) == 1 and label.isascii() and label.isalpha():
        text = f"{label} {rest}"  # "B: reflect"
    elif label or rest != text:
        text = rest
    index = _by_text(text, spec.choices)
    if index is None and text.isdigit() and len(text) <= 3:
        index = int(text) - 1
    if index is None:
        index = _by_letter(text, spec)
    if index is None or not 0 <= index < len(spec.choices):
        raise FormatError(expected_format(spec))
    return index


def expected_format(spec: AnswerSpec) -> Text:
    """What an answer of this spec looks like, in both languages (for format findings).

    >>> expected_format(AnswerSpec("integer")).en
    'expected a whole number, e.g. 1234567, 1,234,567 or 1.234567e6'
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
