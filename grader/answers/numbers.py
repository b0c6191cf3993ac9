"""Parsing numbers as students write them: separators, units, scientific notation, fractions.

Accepted (after :func:`grader.answers.text.normalize`):

- ``60964224``, ``60,964,224``, ``60 964 224``, ``60_964_224``, ``60'964'224`` — separators only
  between groups of exactly three digits, so ``1,5`` is refused (a decimal comma is ambiguous);
- ``0.125``, ``-3``, ``1e6``, ``6.1×10^7``, ``6.1x10**7``, ``1/8`` (a simple fraction);
- with units allowed by the spec: ``159.5K``, ``61M``, ``1.2G`` (thousand, million, billion; any case).

Values are exact :class:`fractions.Fraction`; integers are refused when not whole.
"""

from __future__ import annotations

import re
from fractions import Fraction

from grader.answers.text import format_error, normalize

_MAX_DIGITS = 30
_MAX_EXPONENT = 30
_UNITS = {"k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9}

_GROUPED = r"\d{1,3}(?:(?P<sep>[,_' ])\d{3})(?:(?P=sep)\d{3})*"
_MANTISSA = rf"(?P<int>{_GROUPED}|\d+)?(?:\.(?P<frac>\d+))?"
_NUMBER = re.compile(
    rf"^(?P<sign>[+-])?\s*{_MANTISSA}"
    r"(?:[eE](?P<exp>[+-]?\d+)|\s*[x×*]\s*10\s*(?:\^|\*\*)\s*\(?(?P<pow10>[+-]?\d+)\)?)?"
    r"\s*(?P<unit>[kKmMgGbB])?$"
)
_FRACTION = re.compile(r"^(?P<num>[+-]?\d+)\s*/\s*(?P<den>\d+)$")


def expected_number(integer: bool, units: bool) -> tuple[str, str]:
    what = ("a whole number", "一个整数") if integer else ("a number", "一个数")
    en = f"expected {what[0]}, e.g. 60964224, 60,964,224 or 6.1e7"
    zh = f"应填写{what[1]}，例如 60964224、60,964,224 或 6.1e7"
    if units:
        en += "; K, M and G are allowed (159.5K)"
        zh += "；可用 K、M、G 作单位（159.5K）"
    return en, zh


def _from_match(m: re.Match[str], units: bool, integer: bool) -> Fraction:
    whole, frac = m["int"], m["frac"]
    if whole is None and frac is None:
        raise format_error(*expected_number(integer, units))
    digits = re.sub(r"\D", "", whole or "") + (frac or "")
    if len(digits.lstrip("0")) > _MAX_DIGITS:
        raise format_error(
            f"the number has more than {_MAX_DIGITS} digits", f"数字超过 {_MAX_DIGITS} 位"
        )
    value = Fraction(int(digits or "0"), 10 ** len(frac or ""))
    exponent = int(m["exp"] or m["pow10"] or 0)
    if abs(exponent) > _MAX_EXPONENT:
        raise format_error(
            f"the exponent {exponent} is out of range (at most {_MAX_EXPONENT})",
            f"指数 {exponent} 超出范围（最多 {_MAX_EXPONENT}）",
        )
    value *= Fraction(10) ** exponent
    if m["unit"]:
        if not units:
            raise format_error(
                "units (K, M, G) are not allowed here: write the number in full",
                "此题不能使用单位（K、M、G）：请写出完整的数",
            )
        value *= _UNITS[m["unit"].lower()]
    return -value if m["sign"] == "-" else value


def parse_number(raw: object, *, units: bool = False, integer: bool = False) -> Fraction:
    """The exact value of a typed number; raises FormatError saying what is expected.

    Args:
        raw: the student's text.
        units: accept the suffixes K, M, G.
        integer: refuse values that are not whole.

    >>> parse_number("60,964,224", integer=True)
    Fraction(60964224, 1)
    >>> parse_number("159.5K", units=True)
    Fraction(159500, 1)
    >>> parse_number("1/8")
    Fraction(1, 8)
    """
    text = normalize(raw)
    m = _NUMBER.match(text)
    if m is not None:
        value = _from_match(m, units, integer)
    elif (f := _FRACTION.match(text)) is not None and not integer and int(f["den"]) != 0:
        if len(f["num"]) + len(f["den"]) > _MAX_DIGITS:
            raise format_error(*expected_number(integer, units))
        value = Fraction(int(f["num"]), int(f["den"]))
    else:
        raise format_error(*expected_number(integer, units))
    if integer and value.denominator != 1:
        raise format_error(*expected_number(True, units))
    return value
