"""Safe parsing of symbolic answers such as ``floor((n + 2p - k)/s) + 1`` or ``C_in k^2 C_out / g``.

``sympy.parsing.sympy_parser.parse_expr`` ends in ``eval``, so nothing reaches it unchecked: the text is
first split into tokens, and only numbers, the spec's own symbol names, the functions ``floor ceil
sqrt min max`` (and ``⌊ ⌋ ⌈ ⌉``), ``+ - * / // ^ ** × ·``, brackets and commas are allowed. Names with
``__``, dots outside numbers, quotes, ``lambda`` and everything else are refused before parsing. The
expression is then parsed unevaluated and its size is bounded before it is built: every numeric
exponent is at most 64, and a bound on the number of bits of its value at any probe point
(:func:`_bits`) must stay below 4096, so ``9^9^9``, ``((n^64)^64)^64`` and ``n^(k^9)`` are format
errors instead of hours of big-integer arithmetic.

Before tokenizing, LaTeX is rewritten as plain text (:mod:`grader.answers.latex`), and a leading
``H_out =`` or ``答：`` label goes (a label that is one of the symbols, as in ``n = 5``, is refused).
Names match the spec's symbols ignoring case and underscores when that is unambiguous (``Cin``,
``c_in``, ``C_{in}`` are all ``C_in``). Square brackets are read both as grouping and as the floor
of Chinese textbooks (``[x]``); when the two readings differ, the answer is refused as ambiguous.
"""

from __future__ import annotations

import math
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

from cnngrade.grader.answers.latex import latex_to_plain
from cnngrade.grader.answers.text import FormatError, format_error, normalize, strip_label

MAX_CHARS = 300
_MAX_DEPTH = 12
_MAX_LITERAL_DIGITS = 8
_MAX_EXPONENT = 64
_MAX_BITS = 4096
_MAX_EXTREMA_ARGS = 8
_SYMBOL_BITS = math.log2(400)  # probe values stay below 400 (equivalence._draw)

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
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|//|[-+*/^(),×·])|(?P<bracket>[⌊⌋⌈⌉\[\]]))"
)
_OPENERS = {"(": ")", "⌊": "⌋", "⌈": "⌉", "[": "]"}
_CLOSERS = (")", "⌋", "⌉", "]")
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


def _fold(name: str) -> str:
    return name.lower().replace("_", "")


def _resolve(name: str, allowed: dict[str, sympy.Symbol], help_: tuple[str, str]) -> str:
    """A typed name mapped to a known symbol or function (ignoring case and ``_`` if unambiguous)."""
    if name in allowed or name in _FUNCTIONS:
        return name
    known = list(allowed) + list(_FUNCTIONS)
    for same in (lambda n: n.lower() == name.lower(), lambda n: _fold(n) == _fold(name)):
        folded = [n for n in known if same(n)]
        if len(folded) == 1 and "__" not in name:
            return folded[0]
    raise format_error(
        f"unknown name {name[:20]!r}: write products with * or a space; {help_[0]}",
        f"无法识别的名字 {name[:20]!r}：乘法请用 * 或空格；{help_[1]}",
    )


def _tokens(text: str, allowed: dict[str, sympy.Symbol], square: str = "(") -> str:
    """Validated source text for parse_expr; raises FormatError on anything outside the whitelist.

    ``square`` is what ``[`` opens: ``"("`` (grouping) or ``"floor("``; after a function name
    (``floor[x]``) it is always ``(``.
    """
    help_ = expected_formula(list(allowed))
    out: list[str] = []
    stack: list[str] = []
    pos = 0
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
            after_function = bool(out) and out[-1] in ("floor", "ceiling", "sqrt", "Min", "Max")
            square_as = "(" if after_function else square
            out.append({"⌊": "floor(", "⌈": "ceiling(", "[": square_as}.get(tok, "("))
            if len(stack) > _MAX_DEPTH:
                raise format_error("the formula is nested too deeply", "式子嵌套过深")
        elif tok in _CLOSERS:
            if not stack or stack.pop() != tok:
                raise format_error("the brackets do not match", "括号不匹配")
            out.append(")")
        else:
            out.append({"×": "*", "·": "*"}.get(tok, tok))
    if pos != len(text.rstrip()) or not out:
        raise format_error(*help_)
    # sympy compares min/max arguments pairwise under assumptions while building them, even
    # unevaluated (29 linear arguments take seconds): all of them together may be at most 8
    if out.count(",") + out.count("Min") + out.count("Max") > _MAX_EXTREMA_ARGS:
        raise format_error(
            f"min and max take at most {_MAX_EXTREMA_ARGS} values in all",
            f"min 和 max 的参数合计最多 {_MAX_EXTREMA_ARGS} 个",
        )
    if stack:
        raise format_error("the brackets do not match", "括号不匹配")
    return " ".join(out)


def _too_large() -> FormatError:
    return format_error(
        "an exponent is too large: the formula's values would be astronomically large",
        "指数过大：式子的值会大得离谱",
    )


def _bits(expr: sympy.Basic) -> float:
    """An upper bound on log2 |value| (and on the size of its denominator) at any probe point.

    Computed bottom-up on the unevaluated tree, so nothing large is ever built; a numeric exponent
    above 64 raises FormatError on the way.
    """
    if expr.is_Symbol:
        return _SYMBOL_BITS
    if expr.is_Rational:
        return math.log2(max(abs(expr.p), expr.q) + 1)
    if expr.is_Number:
        return math.log2(abs(float(expr)) + 2)
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if exponent.is_number:
            if _bits(exponent) > 16 or abs(float(exponent)) > _MAX_EXPONENT:
                raise _too_large()
            times = abs(float(exponent))
        else:
            exponent_bits = _bits(exponent)
            times = 2.0**exponent_bits if exponent_bits < 64 else math.inf
        return max(_bits(base), 1.0) * max(times, 1.0)
    parts = [_bits(arg) for arg in expr.args] or [1.0]
    if isinstance(expr, sympy.Mul):
        return sum(parts)
    return max(parts) + math.log2(len(parts) + 1)


def _check_size(expr: sympy.Basic) -> None:
    """Refuse a formula whose values at the probe points would be astronomically large."""
    if _bits(expr) > _MAX_BITS:
        raise _too_large()


def parse_symbolic(raw: object, symbols: tuple[tuple[str, str], ...]) -> sympy.Expr:
    """A sympy expression in the spec's symbols; raises FormatError, never evaluates raw text.

    Args:
        raw: the student's formula, e.g. ``"⌊(n+2p-k)/s⌋+1"`` or ``"C_in k^2 C_out/g"``.
        symbols: ``(name, domain)`` pairs from :class:`exercises.core.AnswerSpec`.

    >>> names = (("n", "positive_integer"), ("p", "nonnegative_integer"),
    ...     ("k", "positive_integer"), ("s", "positive_integer"))
    >>> parse_symbolic("⌊(n+2p-k)/s⌋+1", names)
    floor((-k + n + 2*p)/s) + 1
    >>> parse_symbolic(r"\\left\\lfloor \\frac{n+2p-k}{s} \\right\\rfloor + 1", names)
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
    if "\n" in text:  # a pretty-printed fraction or power spreads over lines; "2\nk" is not 2k
        raise format_error(
            "write the formula on one line, e.g. (a + b)^2/c",
            "请把式子写在一行内，例如 (a + b)^2/c",
        )
    label, text = strip_label(text)
    if label and label.replace(" ", "").lower() in {_fold(n) for n in allowed} | set(allowed):
        raise format_error(
            f"write only the formula, not an equation such as '{label} = ...'",
            f"只写式子本身，不要写成 '{label} = ...' 这样的等式",
        )
    text = latex_to_plain(text)
    expr = _build(_tokens(text, allowed), allowed)
    if "[" in text and _build(_tokens(text, allowed, "floor("), allowed) != expr:
        raise format_error(
            "square brackets are ambiguous here: write floor(...) or ⌊...⌋ to round down, "
            "and ( ) to group",
            "此处方括号有歧义：向下取整请写 floor(...) 或 ⌊...⌋，分组请用圆括号 ( )",
        )
    return expr


def _build(source: str, allowed: dict[str, sympy.Symbol]) -> sympy.Expr:
    """The sympy expression of whitelisted source text, size-checked before it is evaluated."""
    local = {**_FUNCTIONS, **allowed}
    try:
        unevaluated = parse_expr(
            source,
            local_dict=dict(local),
            global_dict=dict(_GLOBALS),
            transformations=_TRANSFORMS,
            evaluate=False,
        )
        _check_size(unevaluated)
        expr = parse_expr(
            source, local_dict=dict(local), global_dict=dict(_GLOBALS), transformations=_TRANSFORMS
        )
    except FormatError:
        raise
    except (
        SyntaxError,
        TypeError,
        ValueError,
        AttributeError,
        ZeroDivisionError,
        RecursionError,
        OverflowError,
    ):
        raise format_error(*expected_formula(list(allowed))) from None
    if not isinstance(expr, sympy.Expr) or expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise format_error(*expected_formula(list(allowed)))
    return expr
