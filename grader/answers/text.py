"""Normalizing what students type, and the format error every parser raises.

Students type on Chinese keyboards, copy from slides and from ``print`` output, so before parsing
every answer goes through :func:`normalize`: Unicode NFKC (full-width ``，；（）［］０-９`` become ASCII),
the math signs get one spelling each (``−`` → ``-``, ``÷`` → ``/``, ``·``/``⋅``/``∙`` → ``·``,
``✕`` → ``×``), a run of superscripts becomes a power (``k²`` → ``k^2``, ``10⁻³`` → ``10^(-3)``),
``。`` typed for a decimal point in Chinese input mode becomes ``.``, and one sentence-ending ``.``
goes. :func:`strip_label` then drops what students write before the answer itself: ``答：``,
``Answer:``, ``H_out =``, a leading ``=`` or ``≈``.
"""

from __future__ import annotations

import re
import unicodedata

from cnngrade.exercises.core import Text

#: Longest raw answer looked at (a matrix of a few hundred numbers fits easily).
MAX_RAW_CHARS = 4000

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPTS}]+")
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789-+")
_BEFORE_NFKC = str.maketrans(
    {
        "−": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "÷": "/",
        "∕": "/",
        "⋅": "·",
        "∙": "·",
        "∗": "*",
        "✕": "×",
        "✖": "×",
        "。": ".",
        "、": ",",
    }
)
_AFTER_NFKC = str.maketrans({"⁄": "/", "−": "-"})
# "答：", "Answer:", "H_out =", "W' =", "=": a label starts with a letter (or is empty) and holds
# only letters, digits, spaces and primes; ratios such as "1:4" start with a digit and stay.
_LABEL = re.compile(r"^\s*(?P<label>(?:[^\W\d][\w '’′=]{0,30})?)\s*[:=≈]\s*(?=\S)")
# The problem's own LaTeX notation as the left-hand side: "$H_{out} = ...$", "W_{\text{out}} =",
# "\(H' = ...\)". The name and its subscript become plain ("H_out"); the delimiters go.
_DELIMITED = re.compile(r"^\s*(?:\$\$?|\\\(|\\\[)(?P<inner>.*?)(?:\$\$?|\\\)|\\\])\s*$", re.S)
_TEX_LABEL = re.compile(
    r"^\s*(?P<name>[A-Za-z]+)"
    r"(?:_\{\s*(?:\\(?:text|mathrm|rm|mathit|operatorname)\s*\{\s*(?P<sub>\w+)\s*\}|(?P<sub2>\w+))\s*\}"
    r"|_(?P<sub3>\w+))?(?P<prime>['’′]*|\^\{?\\prime\}?)\s*(?=[:=≈])"
)


class FormatError(ValueError):
    """A malformed answer: ``text`` says in both languages which format is expected.

    A format error is not a wrong answer; it costs the student no attempt.

    >>> err = FormatError(Text("expected a whole number", "应填写一个整数"))
    >>> str(err), err.text("zh")
    ('expected a whole number', '应填写一个整数')
    """

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def format_error(en: str, zh: str) -> FormatError:
    """Shorthand for ``FormatError(Text(en, zh))``."""
    return FormatError(Text(en, zh))


def _power(m: re.Match[str]) -> str:
    exponent = m.group(0).translate(_FROM_SUPERSCRIPT)
    return f"^{exponent}" if exponent.isdigit() else f"^({exponent})"


def normalize(raw: object) -> str:
    """The answer as plain ASCII-ish text; raises FormatError when empty or too long.

    Args:
        raw: what the student typed (``str``; numbers from YAML are accepted and stringified).

    >>> normalize("（１，６，２８，２８）。")
    '(1,6,28,28)'
    >>> normalize("k² − 1"), normalize("2.5×10⁻³"), normalize("1。5")
    ('k^2 - 1', '2.5×10^(-3)', '1.5')
    """
    if raw is None:
        raise format_error("the answer is empty", "答案为空")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise format_error(
            f"the answer must be text, got a {type(raw).__name__}",
            f"答案应为文本，而不是 {type(raw).__name__}",
        )
    text = str(raw)
    if len(text) > MAX_RAW_CHARS:
        raise format_error(
            f"the answer is too long ({len(text)} characters; at most {MAX_RAW_CHARS})",
            f"答案过长（{len(text)} 个字符，最多 {MAX_RAW_CHARS} 个）",
        )
    text = _SUPERSCRIPT_RUN.sub(_power, text.translate(_BEFORE_NFKC))
    text = unicodedata.normalize("NFKC", text).translate(_AFTER_NFKC).strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if not text:
        raise format_error("the answer is empty", "答案为空")
    return text


def _plain_tex_label(text: str) -> str:
    """``$H_{out} = x$`` → ``H_out = x``: a LaTeX left-hand side made plain (else ``text`` as is)."""
    if not any(c in text for c in "$\\{"):
        return text
    delimited = _DELIMITED.match(text)
    inner = delimited["inner"] if delimited else text
    m = _TEX_LABEL.match(inner)
    if m is None or "_{" not in m.group(0) and not delimited:
        return text
    sub = m["sub"] or m["sub2"] or m["sub3"]
    prime = "'" if m["prime"] else ""
    return f"{m['name']}{'_' + sub if sub else ''}{prime} {inner[m.end() :].lstrip()}"


def strip_label(text: str) -> tuple[str, str]:
    """``(label, answer)``: what precedes a ``:`` or ``=`` before the answer, and the answer.

    >>> strip_label("答:128"), strip_label("H = W = 14"), strip_label("1:4"), strip_label("= 3")
    (('答', '128'), ('H = W', '14'), ('', '1:4'), ('', '3'))
    >>> strip_label("$H_{out} = n-k+2p+1$"), strip_label(r"W_{\\text{out}}=7")
    (('H_out', 'n-k+2p+1'), ('W_out', '7'))
    """
    text = _plain_tex_label(text)
    m = _LABEL.match(text)
    if m is None:
        return "", text
    return m["label"].strip(), text[m.end() :]
