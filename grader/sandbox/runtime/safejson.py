"""JSON from an untrusted writer, bounded before it is parsed: size, then nesting depth.

``json.loads`` recurses once per nesting level, so a 100,000-deep line raises ``RecursionError``
(not ``ValueError``) in whoever reads it. ``loads`` measures the depth first, with strings masked
out, and refuses with ``ValueError`` — the one error a reader of child data has to catch. Stdlib
only: the warm worker and the grader both import it.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def depth(data: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings ignored).

    >>> depth(b'{"a": [1, [2]], "b": "[[[["}'), depth(b"3")
    (3, 0)
    """
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", data))
    steps = (1 if c in b"[{" else -1 for c in brackets)
    return max(itertools.accumulate(steps, initial=0))


def loads(data: bytes | str, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``data`` as JSON, or ValueError saying why not (too big, too deep, malformed).

    >>> loads(b'{"ev": "done", "i": 0}', max_bytes=100)
    {'ev': 'done', 'i': 0}
    >>> loads(b"[" * 100 + b"]" * 100, max_bytes=1000)
    Traceback (most recent call last):
    ...
    ValueError: JSON nested 100 levels deep, more than 32
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise ValueError(f"JSON of {len(raw)} bytes, more than {max_bytes}")
    levels = depth(raw)
    if levels > max_depth:
        raise ValueError(f"JSON nested {levels} levels deep, more than {max_depth}")
    try:
        return json.loads(raw)
    except (RecursionError, MemoryError, UnicodeDecodeError) as exc:
        raise ValueError(f"JSON could not be read ({type(exc).__name__})") from None
