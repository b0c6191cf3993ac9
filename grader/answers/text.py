"""Normalizing what students type, and the format error every parser raises.

Students type on Chinese keyboards, copy from slides and from ``print`` output, so before parsing
every answer goes through :func:`normalize`: Unicode NFKC (full-width ``，；（）［］０-９`` become ASCII),
the math signs ``× · ÷ −`` and superscripts ``² ³`` get one spelling, and a trailing ``。`` goes.
"""

from __future__ import annotations

import unicodedata

from exercises.core import Text

#: Longest raw answer looked at (a matrix of a few hundred numbers fits easily).
MAX_RAW_CHARS = 4000

_BEFORE_NFKC = str.maketrans(
    {"²": "^2", "³": "^3", "−": "-", "–": "-", "·": "*", "÷": "/", "⋅": "*", "∗": "*"}
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


def normalize(raw: object) -> str:
    """The answer as plain ASCII-ish text; raises FormatError when empty or too long.

    Args:
        raw: what the student typed (``str``; numbers from YAML are accepted and stringified).

    >>> normalize("（１，６，２８，２８）。")
    '(1,6,28,28)'
    >>> normalize("k² − 1")
    'k^2 - 1'
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
    text = unicodedata.normalize("NFKC", text.translate(_BEFORE_NFKC))
    text = text.replace("\u3002", "").replace("\u3001", ",").strip()
    if not text:
        raise format_error("the answer is empty", "答案为空")
    return text
