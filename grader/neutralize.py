"""Make text a student controls inert for where it goes: a terminal, Rich, a CSV cell, Markdown, HTML.

Everything a student controls (answers, file and folder names, stdout, exception text, slot values) is
hostile. Before it reaches a reader it goes through the function for its sink:

- ``for_terminal``: control characters shown visibly (``ESC`` as ``\\x1b``): C0 except newline and tab,
  DEL, C1 (0x80-0x9f), Unicode format characters (bidi overrides and isolates, zero-width spaces and
  joiners, tag characters, BOM, soft hyphen), line/paragraph separators, lone surrogates (from
  undecodable bytes) and invisible fillers. Nothing can move the cursor, retitle a window, write the
  clipboard (OSC 52), clear the screen or reorder what the reader sees.
- ``for_rich``: ``for_terminal`` and Rich markup escaped, so ``[white on white]`` prints as written.
- ``for_csv``: OWASP's rule: a string cell starting with ``= + - @``, tab or CR (also after any
  leading whitespace; the full-width forms too) gets a leading ``'`` so no spreadsheet runs it as a
  formula.
- ``for_markdown``: every ASCII punctuation character backslash-escaped (CommonMark makes each of them
  literal), so links, images, autolinks, bare URLs (no ``.`` or ``:`` left to link), emphasis, headings,
  tables and raw HTML are all inert text; ``for_markdown_code`` fences a block (tracebacks, stdout).
- ``for_html``: ``html.escape`` of the ``for_terminal`` text.
- ``for_json``: ``json.dumps`` whose output holds no hidden character: each is written as its
  ``\\uXXXX`` escape, so the data read back is exactly the data (a lone surrogate from an undecodable
  file name included, which would otherwise make writing the text fail).
- ``has_hidden``: whether a name holds anything ``for_terminal(name, one_line=True)`` would escape.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any

from rich.markup import escape as _rich_escape

__all__ = [
    "for_csv",
    "for_html",
    "for_json",
    "for_markdown",
    "for_markdown_code",
    "for_rich",
    "for_terminal",
    "has_hidden",
]

# Characters outside printable ASCII, newline, tab and the letter blocks below (Latin, Greek,
# Cyrillic, CJK, kana, Hangul, full-width forms: no hidden character among them, tested) are looked
# at one at a time.
_SUSPECT = re.compile(
    "[^\x20-\x7e\n\t\u00ae-\u024f\u0370-\u04ff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uff01-\uff5e]"
)
# Unicode categories that never print as themselves: controls, format (bidi, zero-width, tags),
# lone surrogates, line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Letters that render as nothing (Hangul fillers, braille blank, Mongolian vowel separator, CGJ).
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f")
_CSV_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Markdown: what can start markup anywhere in a line is escaped (`< > &` as entities, so no tag,
# autolink or entity can start and no "<img" is left in the file); what links only in context is
# escaped in that context ("](", "://", "//", "www.", "@"); block markers only at a line's start.
_MD_INLINE = re.compile(r"[<>&\\`*_\[\]~|$#{}^@]|(?<=\])\(|:(?=//)|/(?=/)|(?<=/)/|(?<=[Ww]{3})\.")
_MD_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d{1,9}(?=[.)]))", re.MULTILINE)


def _is_hidden(char: str) -> bool:
    return char in _INVISIBLE or unicodedata.category(char) in _HIDDEN_CATEGORIES


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if not _is_hidden(char):
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def for_terminal(text: object, *, one_line: bool = False) -> str:
    """``text`` with every control or invisible character shown as its escape; newline and tab kept.

    ``one_line=True`` escapes newline and tab too (a name, a table cell, a log line).

    >>> for_terminal("\\x1b]0;pwned\\x07score 8 / 8")
    '\\\\x1b]0;pwned\\\\x07score 8 / 8'
    >>> for_terminal("ok\\u202egnp.exe\\tdone\\n")
    'ok\\\\u202egnp.exe\\tdone\\n'
    """
    shown = _SUSPECT.sub(_visible, text if isinstance(text, str) else str(text))
    return shown.replace("\n", "\\n").replace("\t", "\\t") if one_line else shown


def has_hidden(name: object) -> bool:
    """Whether ``name`` holds a control, invisible, newline or tab character (a name to flag).

    >>> has_hidden("s01"), has_hidden("s01\\n"), has_hidden("s01\u200b"), has_hidden("卷积")
    (False, True, True, False)
    """
    text = name if isinstance(name, str) else str(name)
    return for_terminal(text, one_line=True) != text


def for_rich(text: object) -> str:
    """``for_terminal`` text with Rich markup escaped: safe in ``console.print`` and table cells.

    >>> for_rich("[white on white]s01")
    '\\\\[white on white]s01'
    """
    return _rich_escape(for_terminal(text))


def for_csv(value: Any) -> Any:
    """A spreadsheet-safe cell: strings escaped for terminals and never read as a formula; others as is.

    >>> for_csv('=HYPERLINK("http://evil","x")')
    '\\'=HYPERLINK("http://evil","x")'
    >>> for_csv(-3.5), for_csv("s01")
    (-3.5, 's01')
    """
    if not isinstance(value, str):
        return value
    text = for_terminal(value)
    # the first character, or the first after any whitespace (a spreadsheet may trim it)
    starts = {value[:1], value.lstrip()[:1], text.lstrip()[:1]}
    return "'" + text if starts & _CSV_TRIGGERS else text


def for_markdown(text: object, *, one_line: bool = False) -> str:
    """Inert Markdown that reads as the text: control characters escaped, ``< > &`` as entities, every
    character that can start markup (``\\ ` * _ [ ] ~ | $ # { } ^ @``) backslash-escaped, and what
    links only in context (``](``, ``://``, ``//``, ``www.``) or starts a block only at a line's start
    (``- + =``, ``1.``) escaped there. Rendered, it is one paragraph of exactly the text (tested).

    ``one_line=True`` also shows newlines as ``\\n`` (a table cell, a list item, a heading).

    >>> print(for_markdown("![x](http://evil.example/a.png) <img src=x> uses torch.nn.conv2d"))
    !\\[x\\]\\(http\\:\\/\\/evil.example/a.png) &lt;img src=x&gt; uses torch.nn.conv2d
    """
    escaped = _MD_INLINE.sub(_md_escape, for_terminal(text, one_line=one_line))
    return _MD_LINE_START.sub(_md_line_start, escaped)


def _md_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _MD_ENTITY.get(char) or "\\" + char


def _md_line_start(match: re.Match[str]) -> str:
    indent, marker = match.groups()
    if marker.isdigit():  # "1." or "1)" would start an ordered list: escape its delimiter
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def for_markdown_code(text: object, info: str = "text") -> str:
    """A fenced code block showing ``text`` literally (control characters escaped); ends with a newline.

    The fence is one backtick longer than the longest backtick run inside, so nothing can close it.

    >>> print(for_markdown_code("x = 1"), end="")
    ```text
    x = 1
    ```
    """
    plain = for_terminal(text).replace("\r", "\\r")
    runs = [len(run) for run in re.findall(r"`+", plain)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    body = plain if plain.endswith("\n") else plain + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def for_html(text: object) -> str:
    """HTML-escaped ``for_terminal`` text (quotes too: safe in attributes).

    >>> for_html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(for_terminal(text), quote=True)


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if not _is_hidden(char):
        return char
    code = ord(char)
    if code > 0xFFFF:  # JSON spells an astral character as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def for_json(value: Any, **dumps_options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, ...)`` with every hidden character ``\\u``-escaped.

    The text reads back to the same data; printed or opened in an editor it shows no escape sequence.

    >>> for_json({"msg": "\x1b[2J\u202e卷积"})
    '{"msg": "\\\\u001b[2J\\\\u202e卷积"}'
    >>> json.loads(for_json(["\\udcff\\x9b"])) == ["\\udcff\\x9b"]
    True
    """
    dumps_options.setdefault("ensure_ascii", False)
    return _SUSPECT.sub(_json_escape, json.dumps(value, **dumps_options))
