"""Parsing numbers as students write them: separators, units, scientific notation, fractions.

Accepted (after :func:`grader.answers.text.normalize` and :func:`~grader.answers.text.strip_label`):

- ``60964224``, ``60,964,224``, ``60 964 224``, ``60_964_224``, ``60'964'224`` — separators only
  between groups of exactly three digits, so ``1,5`` and ``0,125`` are refused (a decimal comma is
  ambiguous);
- ``0.125``, ``-3``, ``1e6``, ``6.1×10^7``, ``6.1x10**7``, ``6.1·10⁷``, ``1/8`` (a simple fraction),
  ``12.5%`` (= 0.125);
- with units allowed by the spec: ``159.5K``, ``61M``, ``1.2G`` (thousand, million, billion; any
  case), ``61 million``, and the Chinese ``千 万 亿`` and their products (``6.1千万`` = 61,000,000);
- a Chinese lead-in before the value: ``感受野为15``, ``答案是 15``, ``输出等于14`` (not a negated one,
  ``不是15``, which is refused);
- a trailing word saying what is counted: any Chinese (``28 个``, ``6.1万个参数``) or one of the
  course's count nouns (``128 channels``, ``3.5 GFLOPs`` = 3.5G, ``128 MACs``; see :data:`COUNT_NOUNS`).
  Other trailing words are refused rather than guessed (``1.2 Gbits``).

Values are exact :class:`fractions.Fraction`; integers are refused when not whole.
"""

from __future__ import annotations

import re
from fractions import Fraction

from cnngrade.grader.answers.text import format_error, normalize, strip_label

_MAX_DIGITS = 30
_MAX_EXPONENT = 30
_LETTER_UNITS = {"k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9}
_WORD_UNITS = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 10**3, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

_NOUNS = (
    "param parameter weight bias mac flop op operation multiplication mult multiply add addition "
    "multiply-add mult-add madd neuron unit channel pixel element entry entries value activation "
    "output input filter kernel position window step time"
)
#: What a number may be followed by (singular; plurals in -s/-es are accepted too).
COUNT_NOUNS = frozenset(_NOUNS.split())

_GROUPED = r"[1-9]\d{0,2}(?:(?P<sep>[,_' ])\d{3})(?:(?P=sep)\d{3})*"
_NUMBER = re.compile(
    rf"^(?P<sign>[+-])?\s*(?P<int>{_GROUPED}|\d+)?(?:\.(?P<frac>\d+)?)?"
    r"(?:[eE](?P<exp>[+-]?\d+)|\s*[x×*·]\s*10\s*(?:\^|\*\*)\s*\(?\s*(?P<pow10>[+-]?\d+)\s*\)?)?"
    r"(?P<rest>.*)$",
    re.S,
)
_FRACTION = re.compile(r"^(?P<num>[+-]?\d+)\s*/\s*(?P<den>\d+)$")
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff ]+$")
_CALCULATION = re.compile(r"^\s*(?:[-+*/^×·()]|\*\*)\s*[\d(]")
_CJK_LEAD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\s]*?(?:为|是|等于)\s*(?=[-+\d.])")
_NEGATED = re.compile("[不非没無无否]")
_SIDES = re.compile(r"^(?P<a>\d{1,6})\s*[x×X*·]\s*(?P<b>\d{1,6})(?P<rest>.*)$", re.S)


def expected_number(integer: bool, units: bool) -> tuple[str, str]:
    what = ("a whole number", "一个整数") if integer else ("a number", "一个数")
    # a neutral example: the slides' counts (AlexNet's 60,964,224) may be some variant's answer
    example = "1234567, 1,234,567 or 1.234567e6" if integer else "0.125, 1/8 or 1.25e-1"
    en = f"expected {what[0]}, e.g. {example}"
    zh = f"应填写{what[1]}，例如 {example.replace(' or ', ' 或 ').replace(', ', '、')}"
    if units:
        en += "; K, M, G (or 千, 万, 亿) are allowed (159.5K)"
        zh += "；可用 K、M、G（或 千、万、亿）作单位（159.5K）"
    return en, zh


def _noun(word: str) -> bool:
    w = word.lower()
    return w in COUNT_NOUNS or w[:-1] in COUNT_NOUNS or (w.endswith("es") and w[:-2] in COUNT_NOUNS)


def _unit(rest: str) -> tuple[int | None, str]:
    """``(multiplier, label)`` read from what follows the digits (multiplier None when absent)."""
    if (m := re.match(r"[十百千万萬亿億]+", rest)) is not None:
        factor = 1
        for ch in m.group(0):
            factor *= _CJK_UNITS[ch]
        return factor, rest[m.end() :]
    if (m := re.match(r"(thousand|million|billion)s?\b", rest, re.I)) is not None:
        return _WORD_UNITS[m.group(1).lower()], rest[m.end() :]
    if (m := re.match(r"([kKmMgGbB])(?P<word>[A-Za-z-]*)", rest)) is not None:
        word = m["word"]
        if not word or (_noun(word) and not _noun(m.group(0))):
            return _LETTER_UNITS[m.group(1).lower()], rest[m.end() :]
    return None, rest


def _label_ok(label: str) -> bool:
    label = label.strip()
    if label[:1] + label[-1:] == "()":
        label = label[1:-1].strip()
    return not label or _CJK.match(label) is not None or all(map(_noun, label.split()))


def _tail(rest: str, units: bool, integer: bool) -> Fraction:
    """The factor a number's tail stands for: a percent sign, a unit, a label (or a FormatError)."""
    rest = rest.strip()
    factor = Fraction(1)
    if rest.startswith("%"):
        factor, rest = Fraction(1, 100), rest[1:].strip()
    multiplier, label = _unit(rest)
    if not _label_ok(label):
        if _CALCULATION.match(rest):
            raise format_error(
                "write the value as a single number, not a calculation",
                "请直接填写计算结果（一个数），不要写算式",
            )
        raise format_error(*expected_number(integer, units))
    if multiplier is not None and not units:
        raise format_error(
            "units (K, M, G, 千, 万) are not allowed here: write the number in full",
            "此题不能使用单位（K、M、G、千、万）：请写出完整的数",
        )
    return factor * (multiplier or 1)


def _read(text: str, units: bool, integer: bool) -> tuple[Fraction, int | None]:
    """The value, and the significant digits typed when the notation scales them (else None)."""
    m = _NUMBER.match(text)
    if m is None or (m["int"] is None and m["frac"] is None):
        raise format_error(*expected_number(integer, units))
    digits = re.sub(r"\D", "", m["int"] or "") + (m["frac"] or "")
    if len(digits.lstrip("0")) > _MAX_DIGITS:
        raise format_error(
            f"the number has more than {_MAX_DIGITS} digits", f"数字超过 {_MAX_DIGITS} 位"
        )
    exponent = int(m["exp"] or m["pow10"] or 0)
    if abs(exponent) > _MAX_EXPONENT:
        raise format_error(
            f"the exponent {exponent} is out of range (at most {_MAX_EXPONENT})",
            f"指数 {exponent} 超出范围（最多 {_MAX_EXPONENT}）",
        )
    scale = _tail(m["rest"], units, integer)
    value = Fraction(int(digits or "0"), 10 ** len(m["frac"] or "")) * Fraction(10) ** exponent
    value *= scale
    scaled = exponent > 0 or scale > 1
    significant = len(digits.lstrip("0")) or 1
    return (-value if m["sign"] == "-" else value), (significant if scaled else None)


def _value_text(raw: object) -> str:
    """The typed value without its label (``答：``, ``H_out =``) or Chinese lead-in (``感受野为``)."""
    _, text = strip_label(normalize(raw))
    if (lead := _CJK_LEAD.match(text)) is not None:
        if _NEGATED.search(lead.group(0)):
            raise format_error(
                "write only the value, without a negation", "请只写数值本身，不要带否定词"
            )
        text = text[lead.end() :]
    return text


def side_pair(raw: object) -> tuple[int, int] | None:
    """``(a, b)`` when the answer is typed as a square's sides, ``5x5``, ``5×5``, ``5*5`` (else None).

    >>> side_pair("5x5"), side_pair("感受野为 7×7"), side_pair("15"), side_pair("5x10^3")
    ((5, 5), (7, 7), None, None)
    """
    try:
        text = _value_text(raw)
    except ValueError:
        return None
    m = _SIDES.match(text)
    if m is None or not _label_ok(m["rest"]):
        return None
    return int(m["a"]), int(m["b"])


def _parse(raw: object, units: bool, integer: bool) -> tuple[Fraction, int | None]:
    text = _value_text(raw)
    if (f := _FRACTION.match(text)) is not None and not integer:
        if len(f["num"]) + len(f["den"]) > _MAX_DIGITS or int(f["den"]) == 0:
            raise format_error(*expected_number(integer, units))
        return Fraction(int(f["num"]), int(f["den"])), None
    value, significant = _read(text, units, integer)
    if integer and value.denominator != 1:
        raise format_error(*expected_number(True, units))
    return value, significant


def parse_number(raw: object, *, units: bool = False, integer: bool = False) -> Fraction:
    """The exact value of a typed number; raises FormatError saying what is expected.

    Args:
        raw: the student's text.
        units: accept the multipliers K, M, G, thousand, million, billion, 千, 万, 亿.
        integer: refuse values that are not whole.

    >>> parse_number("60,964,224", integer=True)
    Fraction(60964224, 1)
    >>> parse_number("159.5K", units=True), parse_number("6.1万个参数", units=True)
    (Fraction(159500, 1), Fraction(61000, 1))
    >>> parse_number("1/8"), parse_number("28 个")
    (Fraction(1, 8), Fraction(28, 1))
    """
    return _parse(raw, units, integer)[0]


def scaled_digits(raw: object, *, units: bool = False) -> int | None:
    """How many significant digits a number typed as ``6.1e7`` or ``61M`` holds (None otherwise).

    Such a number may be a rounded one; the grader says so when an exact count was asked.

    >>> scaled_digits("6.1e7"), scaled_digits("61M", units=True), scaled_digits("61000000")
    (2, 2, None)
    """
    try:
        return _parse(raw, units, False)[1]
    except ValueError:
        return None
