"""LaTeX as students paste it into a formula answer, rewritten as plain text for the symbolic parser.

Only the math a formula answer needs is understood; any other command is a format error, never
guessed:

- ``\\frac{a}{b}`` (also ``\\dfrac``, ``\\tfrac``, ``\\cfrac``, ``\\frac12``) → ``((a)/(b))``;
- ``\\lfloor \\rfloor \\lceil \\rceil`` → ``⌊ ⌋ ⌈ ⌉``; ``\\left`` / ``\\right`` / ``\\bigl`` ... dropped;
- ``\\cdot \\times \\ast`` → ``*``, ``\\div`` → ``/``, ``\\sqrt{x}`` → ``sqrt(x)``, ``\\min`` ``\\max``;
- ``C_{in}`` and ``C_{\\text{in}}`` → ``C_in``; ``\\text{..}``, ``\\mathrm{..}``, ``\\operatorname{..}``
  → their content; other braces group: ``k^{2}`` → ``k^(2)``;
- ``$...$``, ``\\(...\\)``, ``\\[...\\]`` delimiters and spacing (``\\,`` ``\\;`` ``\\quad``) go.
"""

from __future__ import annotations

import re

from cnngrade.grader.answers.text import format_error

__all__ = ["latex_to_plain"]

_FRACS = ("frac", "dfrac", "tfrac", "cfrac")
_WRAPPERS = ("text", "textrm", "mathrm", "mathit", "mathbf", "operatorname", "rm")
_SIZERS = ("left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr")
_SYMBOLS = {
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "lbrack": "[",
    "rbrack": "]",
    "cdot": "*",
    "times": "*",
    "ast": "*",
    "div": "/",
    "sqrt": "sqrt",
    "min": "min",
    "max": "max",
    "floor": "floor",
    "ceil": "ceil",
    "quad": " ",
    "qquad": " ",
}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.S)
_DELIMITERS = re.compile(r"^(?:\$\$?|\\\(|\\\[)(.*?)(?:\$\$?|\\\)|\\\])$", re.S)


def _bad(what: str) -> ValueError:
    return format_error(
        f"the LaTeX {what[:20]!r} is not understood: write the formula in plain text, e.g. "
        "floor((a + b)/c) + 1",
        f"无法识别 LaTeX {what[:20]!r}：请用纯文本写式子，例如 floor((a + b)/c) + 1",
    )


def _group(text: str, i: int) -> tuple[str, int]:
    """The argument starting at ``text[i]``: a ``{...}`` group or one character/command."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        raise _bad("\\frac")
    if text[i] != "{":
        m = _COMMAND.match(text, i)
        end = m.end() if m is not None else i + 1
        return text[i:end], end
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1 : j], j + 1
    raise format_error("the braces { } do not match", "花括号 { } 不匹配")


def _command(text: str, i: int) -> tuple[str, int]:
    """Plain text for the command at ``text[i] == '\\\\'``, and where the scan continues."""
    m = _COMMAND.match(text, i)
    if m is None:
        raise _bad("\\")
    name, end = m.group(1), m.end()
    if name in _FRACS:
        top, end = _group(text, end)
        bottom, end = _group(text, end)
        return f"(({_convert(top)})/({_convert(bottom)}))", end
    if name in _WRAPPERS:
        content, end = _group(text, end)
        return _convert(content), end
    if name in _SIZERS:
        return ("", end + 1) if text[end : end + 1] == "." else ("", end)
    if name == "sqrt" and text[end:].lstrip().startswith("["):
        raise _bad("\\sqrt[")  # an n-th root; only square roots are understood
    if name in _SYMBOLS:
        return f" {_SYMBOLS[name]} " if name not in ("sqrt", "min", "max") else name, end
    if name in (",", ";", ":", "!", " "):
        return " ", end
    raise _bad("\\" + name)


def _convert(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            piece, i = _command(text, i)
        elif text.startswith("_{", i):
            content, i = _group(text, i + 1)
            sub = _convert(content).strip()
            if not re.fullmatch(r"[A-Za-z0-9]+", sub):
                raise _bad("_{" + content + "}")
            piece = "_" + sub
        else:
            piece, i = {"{": "(", "}": ")"}.get(ch, ch), i + 1
        out.append(piece)
    return "".join(out)


def latex_to_plain(text: str) -> str:
    """``text`` with its LaTeX rewritten as plain formula text; raises FormatError on other LaTeX.

    >>> latex_to_plain(r"\\left\\lfloor \\frac{n+2p-k}{s} \\right\\rfloor + 1")
    '⌊ ((n+2p-k)/(s)) ⌋ + 1'
    >>> latex_to_plain(r"$C_{\\text{in}} \\cdot C_{out} k^{2}/g$")
    'C_in * C_out k^(2)/g'
    """
    if "\\" not in text and "{" not in text and "$" not in text:
        return text
    text = text.strip()
    if (m := _DELIMITERS.match(text)) is not None:
        text = m.group(1)
    return re.sub(r"\s+", " ", _convert(text)).strip()
