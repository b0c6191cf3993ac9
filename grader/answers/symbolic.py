"""Safe parsing of symbolic answers such as ``floor((n + 2p - k)/s) + 1`` or ``C_in k^2 C_out / g``.

``sympy.parsing.sympy_parser.parse_expr`` ends in ``eval``, so nothing reaches it unchecked: the text is
first split into tokens, and only numbers, the spec's own symbol names, the functions ``floor ceil
sqrt min max`` (and ``⌊ ⌋ ⌈ ⌉``), ``+ - * / ^ **``, parentheses and commas are allowed. Names with
``__``, dots outside numbers, quotes, ``lambda`` and everything else are refused before parsing. The
expression is then parsed unevaluated and every power is bounded (no ``9^9^9``) before it is built.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import sympy
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication,
    parse_expr,
    rationalize,
    standard_transformations,
)

from grader.answers.text import FormatError, format_error, normalize

MAX_CHARS = 300
_MAX_DEPTH = 12
_MAX_LITERAL_DIGITS = 8
_MAX_EXPONENT = 64

_FUNCTIONS = {
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "ceiling": sympy.ceiling,
    "sqrt": sympy.sqrt,
    "min": sympy.Min,
    "max": sympy.Max,
    "Min": sympy.Min,
    "Max": sympy.Max,
}
_BUILDERS = ("Integer", "Float", "Rational", "Symbol", "Add", "Mul", "Pow")
_GLOBALS = {name: getattr(sympy, name) for name in _BUILDERS}
_TRANSFORMS = standard_transformations + (implicit_multiplication, convert_xor, rationalize)
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),])"
    r"|(?P<bracket>[⌊⌋⌈⌉]))"
)
_OPENERS = {"(": ")", "⌊": "⌋", "⌈": "⌉"}
_ASSUMPTIONS = {
    "positive_integer": {"integer": True, "positive": True},
    "nonnegative_integer": {"integer": True, "nonnegative": True},
    "positive_real": {"real": True, "positive": True},
}


@cache
def symbols_for(symbols: tuple[tuple[str, str], ...]) -> dict[str, sympy.Symbol]:
    """The sympy symbols of a spec, with the assumptions of their domains.

    >>> symbols_for((("k", "positive_integer"),))["k"].is_integer
    True
    """
    out = {}
    for name, domain in symbols:
        if domain not in _ASSUMPTIONS:
            raise ValueError(f"symbol domain must be one of {sorted(_ASSUMPTIONS)}, got {domain!r}")
        out[name] = sympy.Symbol(name, **_ASSUMPTIONS[domain])
    return out


def expected_formula(names: list[str]) -> tuple[str, str]:
    listed = ", ".join(names) or "-"
    return (
        f"expected a formula in {listed} using + - * / ^, parentheses, floor, ceil, sqrt, min, max",
        f"应填写关于 {listed} 的式子，可用 + - * / ^、括号、floor、ceil、sqrt、min、max",
    )


def _resolve(name: str, allowed: dict[str, sympy.Symbol], help_: tuple[str, str]) -> str:
    """A typed name mapped to a known symbol or function (case-insensitively when unambiguous)."""
    if name in allowed or name in _FUNCTIONS:
        return name
    folded = [n for n in list(allowed) + list(_FUNCTIONS) if n.lower() == name.lower()]
    if len(folded) == 1 and "__" not in name:
        return folded[0]
    raise format_error(
        f"unknown name {name[:20]!r}: write products with * or a space; {help_[0]}",
        f"无法识别的名字 {name[:20]!r}：乘法请用 * 或空格；{help_[1]}",
    )


def _tokens(text: str, allowed: dict[str, sympy.Symbol]) -> str:
    """Validated source text for parse_expr; raises FormatError on anything outside the whitelist."""
    help_ = expected_formula(list(allowed))
    out, stack, pos = [], [], 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            break
        pos = m.end()
        if m["num"] is not None:
            if len(m["num"].replace(".", "")) > _MAX_LITERAL_DIGITS:
                raise format_error("a number in the formula is too long", "式子中的数字过长")
            out.append(m["num"])
        elif m["name"] is not None:
            name = _resolve(m["name"], allowed, help_)
            out.append({"ceil": "ceiling", "min": "Min", "max": "Max"}.get(name, name))
        elif (tok := m["op"] or m["bracket"]) in _OPENERS:
            stack.append(_OPENERS[tok])
            out.append({"⌊": "floor(", "⌈": "ceiling("}.get(tok, "("))
            if len(stack) > _MAX_DEPTH:
                raise format_error("the formula is nested too deeply", "式子嵌套过深")
        elif tok in (")", "⌋", "⌉"):
            if not stack or stack.pop() != tok:
                raise format_error("the brackets do not match", "括号不匹配")
            out.append(")")
        else:
            out.append(tok)
    if pos != len(text.rstrip()) or not out:
        raise format_error(*help_)
    if stack:
        raise format_error("the brackets do not match", "括号不匹配")
    return " ".join(out)


def _check_powers(expr: sympy.Basic) -> None:
    """Refuse powers whose value would be astronomically large (checked bottom-up, unevaluated)."""
    for arg in expr.args:
        _check_powers(arg)
    if isinstance(expr, sympy.Pow):
        exponent = expr.args[1]
        if exponent.is_number:
            if abs(complex(exponent.evalf(15))) > _MAX_EXPONENT:
                raise format_error("an exponent is too large", "指数过大")
        elif any(abs(n) > 10 for n in exponent.atoms(sympy.Number)):
            raise format_error("an exponent is too large", "指数过大")


def parse_symbolic(raw: object, symbols: tuple[tuple[str, str], ...]) -> sympy.Expr:
    """A sympy expression in the spec's symbols; raises FormatError, never evaluates raw text.

    Args:
        raw: the student's formula, e.g. ``"⌊(n+2p-k)/s⌋+1"`` or ``"C_in k^2 C_out/g"``.
        symbols: ``(name, domain)`` pairs from :class:`exercises.core.AnswerSpec`.

    >>> parse_symbolic("⌊(n+2p-k)/s⌋+1", (("n", "positive_integer"), ("p", "nonnegative_integer"),
    ...     ("k", "positive_integer"), ("s", "positive_integer")))
    floor((-k + n + 2*p)/s) + 1
    """
    return _parse(normalize(raw), tuple(symbols))


@lru_cache(maxsize=8192)
def _parse(text: str, symbols: tuple[tuple[str, str], ...]) -> sympy.Expr:
    """Parse normalized text (cached: a class types the same few formulas again and again)."""
    if len(text) > MAX_CHARS:
        raise format_error(
            f"the formula is too long (at most {MAX_CHARS} characters)",
            f"式子过长（最多 {MAX_CHARS} 个字符）",
        )
    allowed = symbols_for(tuple(symbols))
    source = _tokens(text, allowed)
    local = {**_FUNCTIONS, **allowed}
    try:
        unevaluated = parse_expr(
            source,
            local_dict=dict(local),
            global_dict=dict(_GLOBALS),
            transformations=_TRANSFORMS,
            evaluate=False,
        )
        _check_powers(unevaluated)
        expr = parse_expr(
            source, local_dict=dict(local), global_dict=dict(_GLOBALS), transformations=_TRANSFORMS
        )
    except FormatError:
        raise
    except (SyntaxError, TypeError, ValueError, AttributeError, ZeroDivisionError, RecursionError):
        raise format_error(*expected_formula(list(allowed))) from None
    if not isinstance(expr, sympy.Expr) or expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise format_error(*expected_formula(list(allowed)))
    return expr
