"""Pick a student's code out of a Jupyter notebook without executing it (a notebook is JSON data)."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from cnngrade.grader.sandbox.runtime import safejson

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
#: nbformat nests about 6 deep; widget state and outputs a few levels more.
MAX_NOTEBOOK_DEPTH = 100
_TOP_LEVEL_DEF = re.compile(r"^(?:async\s+)?(?:def|class)\s+(\w+)", re.M)


def extract_notebook_code(
    ipynb_text: str, entry: str, grade_ids: Sequence[str] | None = None
) -> str:
    """Return the Python source of the code cells that define ``entry`` (and what they need).

    With ``grade_ids``, the cells whose nbgrader ``metadata.nbgrader.grade_id`` is listed are taken.
    Otherwise every code cell that defines ``entry`` (``def``/``class``/assignment) is taken, together
    with the cells that only import or define helpers; cells with other top-level statements (the
    student's own test calls, prints) are left out. The sandbox runs the result, the grader never
    does. Cell magics and shell escapes (``%``, ``!`` lines) are dropped.

    Args:
        ipynb_text: the notebook file's text (nbformat 4 JSON).
        entry: the function or class name the exercise grades.
        grade_ids: nbgrader cell ids to take, or None to select by ``entry``.

    >>> import json
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": ["import numpy as np\\n"]},
    ...   {"cell_type": "code", "metadata": {}, "source": "def f(x):\\n    return x\\n"},
    ...   {"cell_type": "code", "metadata": {}, "source": "f(3)\\n%timeit f(3)"}], "nbformat": 4}
    >>> print(extract_notebook_code(json.dumps(nb), "f"))
    import numpy as np
    <BLANKLINE>
    def f(x):
        return x
    <BLANKLINE>
    """
    cells = _code_cells(ipynb_text)
    if grade_ids is not None:
        wanted = set(grade_ids)
        chosen = [src for meta, src in cells if _grade_id(meta) in wanted]
        if not chosen:
            raise ValueError(
                f"grade_ids={sorted(wanted)}: no code cell has one of these nbgrader ids"
            )
        return "\n".join(chosen)
    sources = [src for _, src in cells]
    defining = [i for i, src in enumerate(sources) if entry in _defined_names(src)]
    if not defining:
        raise ValueError(f"entry={entry!r}: no code cell of the notebook defines it")
    keep = [i for i, src in enumerate(sources) if i in defining or _is_support_cell(src)]
    return "\n".join(sources[i] for i in keep)


def extract_answer_code(ipynb_text: str, grade_id: str, skip_ids: Sequence[str] = ()) -> str:
    """The code of the nbgrader answer cell ``grade_id`` with the notebook's import and helper cells.

    Helper cells are those of only imports, definitions and constant assignments; cells whose
    nbgrader id is in ``skip_ids`` (other slots' answers, tests cells) are never taken as helpers.

    >>> import json
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "import numpy as np"},
    ...   {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "a"}}, "source": "def f(x): return x"},
    ...   {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "t"}}, "source": "def g(): pass"}]}
    >>> print(extract_answer_code(json.dumps(nb), "a", skip_ids=["t"]))
    import numpy as np
    <BLANKLINE>
    def f(x): return x
    <BLANKLINE>
    """
    cells = _code_cells(ipynb_text)
    if not any(_grade_id(meta) == grade_id for meta, _ in cells):
        raise ValueError(
            f"grade_id={grade_id!r}: no code cell of the notebook has this nbgrader id"
        )
    skip = set(skip_ids) - {grade_id}
    keep = [
        src
        for meta, src in cells
        if _grade_id(meta) == grade_id or (_grade_id(meta) not in skip and _is_support_cell(src))
    ]
    return "\n".join(keep)


def _code_cells(ipynb_text: str) -> list[tuple[dict, str]]:
    """(metadata, source without magics) of every code cell, in order."""
    try:  # bounded: a 100,000-deep JSON notebook is refused, not recursed into
        nb = safejson.loads(ipynb_text, max_bytes=MAX_NOTEBOOK_BYTES, max_depth=MAX_NOTEBOOK_DEPTH)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"ipynb_text: not notebook JSON ({exc}); pass the .ipynb file's text"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("ipynb_text: no 'cells' list; pass an nbformat 4 notebook")
    out = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        out.append((meta, "\n".join(lines) + "\n"))
    return out


def _grade_id(meta: dict) -> str | None:
    nbgrader = meta.get("nbgrader")
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def _defined_names(source: str) -> set[str]:
    """Names a cell binds at top level (def, class, assignment, import)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    except (RecursionError, MemoryError):  # too nested to parse: the sandbox will say so
        return set(_TOP_LEVEL_DEF.findall(source))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _is_support_cell(source: str) -> bool:
    """A cell of only imports, definitions and constant assignments (no calls at top level)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)
    for node in tree.body:
        if isinstance(node, allowed):
            continue
        if isinstance(node, ast.Assign) and not any(
            isinstance(n, ast.Call) for n in ast.walk(node)
        ):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return False
    return bool(tree.body)
