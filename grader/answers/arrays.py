"""Parsing shapes and matrices as students write them.

Shapes (only unambiguous notations): ``(1, 6, 28, 28)``, ``[1,6,28,28]``, ``1x6x28x28``,
``1×6×28×28``, ``1·6·28·28``, ``1 6 28 28``, ``torch.Size([1, 6, 28, 28])`` and the slides'
``6@28×28`` meaning ``(6, 28, 28)`` (channels before the ``@``; ``1×6@28×28`` is ``(1, 6, 28, 28)``).
Dimensions are read in the order typed: ``28×28×6`` is ``(28, 28, 6)``, which the grader then finds to
be channels-last and says so. ``28*28*6`` is refused: the course slides use ``*`` for channels-last
``H*W*C`` while our answers are channels-first, so accepting it would silently mean two different
things.

Matrices: nested lists ``[[1, 2], [3, 4]]`` or tuples ``((1, 2), (3, 4))``, NumPy's print-out
``[[1 2]\\n [3 4]]`` (optionally inside ``array(...)`` / ``tensor(...)``, with ``dtype=...`` and the
like after it), rows separated by newlines or semicolons (``1 2; 3 4``, ``1,2；3,4``, MATLAB's
``[1 2; 3 4]``), LaTeX ``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}`` (also ``pmatrix``,
``array{cc}``, ``\\left[ ... \\right]``) or a Markdown table (``| 1 | 2 |`` rows, the ``|---|`` rule
skipped) as the problem sets print them. Entries are decimal numbers or simple fractions (``7/4``);
the result is a float64 ndarray.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from cnngrade.grader.answers.text import format_error, normalize, strip_label

_MAX_DIM = 10**9
_MAX_ELEMENTS = 10_000
_MAX_DEPTH = 6

# Examples no variant is likely to have as its answer (LeNet's 6@28×28 is one; H ≠ W here).
SHAPE_HELP = (
    "expected a shape, channels first (N, C, H, W), such as (2, 3, 7, 9), 2×3×7×9 or 3@7×9",
    "应按通道在前 (N, C, H, W) 填写形状，例如 (2, 3, 7, 9)、2×3×7×9 或 3@7×9",
)
MATRIX_HELP = (
    "expected a matrix such as [[1, 2], [3, 4]] or rows separated by ';' (1 2; 3 4)",
    "应填写矩阵，例如 [[1, 2], [3, 4]]，或用分号分隔各行（1 2; 3 4）",
)
_WRAPPER = re.compile(
    r"^(?:torch\.Size|(?:np\.|numpy\.)?array|(?:torch\.)?tensor)\s*\((.*)\)$", re.S
)
_KEYWORDS = re.compile(r",\s*(?:dtype|device|requires_grad|grad_fn)\s*=[^\[\]]*$")
_NUM = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?(?:/\d{1,30})?"
_TOKEN = re.compile(rf"\s*(?:(?P<num>{_NUM})|(?P<open>\[)|(?P<close>\])|(?P<comma>[,;]))")


def _unwrap(text: str) -> str:
    """``array([[1, 2]], dtype=int32)`` → ``[[1, 2]]``: the argument of a NumPy/torch print-out."""
    if (m := _WRAPPER.match(text)) is not None:
        return _KEYWORDS.sub("", m.group(1).strip()).strip()
    return text


def _entry(token: str) -> float:
    """One matrix entry: a decimal number or a simple fraction such as ``7/4``."""
    if "/" not in token:
        return float(token)
    num, den = token.split("/")
    if int(den) == 0:
        raise format_error(*MATRIX_HELP)
    try:
        return float(Fraction(num) / int(den))
    except OverflowError:
        raise format_error(*MATRIX_HELP) from None


def _dims(text: str) -> list[int]:
    parts = [p for p in re.split(r"\s*[,x×X·]\s*|\s+", text.strip())]
    if parts and parts[-1] == "":
        parts.pop()  # "(6,)" — a one-element tuple's trailing comma
    if not parts or not all(p.isdigit() for p in parts):
        raise format_error(*SHAPE_HELP)
    dims = [int(p) for p in parts]
    if any(d > _MAX_DIM for d in dims):
        raise format_error("a dimension is implausibly large", "某一维大得不合理")
    return dims


def parse_shape(raw: object) -> tuple[int, ...]:
    """A shape tuple from any accepted notation; raises FormatError otherwise.

    >>> parse_shape("6@28×28")
    (6, 28, 28)
    >>> parse_shape("torch.Size([1, 6, 28, 28])")
    (1, 6, 28, 28)
    """
    _, text = strip_label(normalize(raw))
    if "*" in text:
        raise format_error(
            "write the shape channels-first as (C, H, W) or C@H×W, not with '*' (H*W*C is ambiguous)",
            "请按通道在前写形状，如 (C, H, W) 或 C@H×W，不要用 '*'（H*W*C 写法有歧义）",
        )
    text = _unwrap(text)
    if text[:1] + text[-1:] in ("()", "[]"):
        text = text[1:-1]
    if "@" in text:
        left, _, right = text.partition("@")
        return tuple(_dims(left) + _dims(right))
    return tuple(_dims(text))


def _nested(text: str) -> list:
    """Recursive-descent parse of ``[...]`` lists whose items are separated by commas or spaces."""
    if text.startswith("(") or "(" in text:  # Python tuples: ((1, 2), (3, 4)), [(1, 2), (3, 4)]
        text = text.translate(str.maketrans("()", "[]"))
    depth = max(np.cumsum([{"[": 1, "]": -1}.get(c, 0) for c in text]))
    tokens = list(_TOKEN.finditer(text))
    if depth > _MAX_DEPTH or "".join(m.group(0) for m in tokens).strip() != text.strip():
        raise format_error(*MATRIX_HELP)
    pos = 0

    def item() -> object:
        nonlocal pos
        if pos >= len(tokens):
            raise format_error(*MATRIX_HELP)
        tok = tokens[pos]
        pos += 1
        if tok["num"] is not None:
            return _entry(tok["num"])
        if tok["open"] is None:
            raise format_error(*MATRIX_HELP)
        items: list = []
        while pos < len(tokens) and tokens[pos]["close"] is None:
            if tokens[pos]["comma"] is not None and items:
                pos += 1
            items.append(item())
        if pos >= len(tokens):
            raise format_error(*MATRIX_HELP)
        pos += 1
        return items

    value = item()
    if pos != len(tokens) or not isinstance(value, list):
        raise format_error(*MATRIX_HELP)
    return value


_LATEX = re.compile(
    r"^\\begin\{(?:[bpvBV]?matrix|smallmatrix|array)\}(?:\{[lcr| ]*\})?(.*)"
    r"\\end\{(?:[bpvBV]?matrix|smallmatrix|array)\}$",
    re.S,
)
_LATEX_NOISE = re.compile(
    r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?\s*[\[\]().|]|\\hline|(?<!\\)\\[,;:! ]"
)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _unwrap_rows(text: str) -> str:
    """LaTeX ``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}`` and Markdown tables → ``1 2; 3 4``."""
    latex = _LATEX_NOISE.sub(" ", text.strip().strip("$")).strip()
    if latex.startswith("\\[") and latex.endswith("\\]"):
        latex = latex[2:-2].strip()
    if (m := _LATEX.match(latex)) is not None:
        return m.group(1).replace("\\\\", ";").replace("&", " ")
    if "|" in text:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        kept = [line.strip("|").replace("|", " ") for line in lines if not _TABLE_RULE.match(line)]
        return "\n".join(kept)
    return text


def _rows(text: str) -> list[list[float]]:
    text = _unwrap_rows(text)
    rows = [r.strip() for r in re.split(r"[;\n]", text) if r.strip()]
    result = []
    for row in rows:
        cells = [c for c in re.split(r"\s*,\s*|\s+", row) if c]
        if not cells or not all(re.fullmatch(_NUM, c) for c in cells):
            raise format_error(*MATRIX_HELP)
        result.append([_entry(c) for c in cells])
    return result


def parse_matrix(raw: object) -> np.ndarray:
    """A float64 array from nested lists, NumPy text or rows; raises FormatError otherwise.

    >>> parse_matrix("[[1 2]\\n [3 4]]").tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> parse_matrix("1, 2; 3, 4").shape
    (2, 2)
    """
    _, text = strip_label(normalize(raw))
    text = _unwrap(text)
    if text[:1] + text[-1:] == "[]" and ";" in text and "[" not in text[1:]:
        text = text[1:-1]  # MATLAB: [1 2; 3 4]
    value = _nested(text) if text[:1] in "[(" else _rows(text)
    try:
        array = np.array(value, dtype=np.float64)
    except ValueError:
        raise format_error(
            "the rows have different lengths: every row needs the same number of entries",
            "各行长度不同：每一行的元素个数必须相同",
        ) from None
    if array.size == 0 or array.size > _MAX_ELEMENTS or not np.isfinite(array).all():
        raise format_error(*MATRIX_HELP)
    return array
