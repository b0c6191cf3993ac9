"""Every test module imports under a name of its own, so two ``test_x.py`` files never collide.

pytest (prepend import mode) names a module by walking up the folders that hold an ``__init__.py``;
a test folder without one makes its files top-level modules, and two of them with the same basename
break collection ("import file mismatch") as soon as both are collected, e.g. under xdist.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _module_name(path: Path) -> str:
    """The dotted name pytest's prepend import mode gives ``path``."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def test_every_test_module_has_a_unique_import_name():
    owners = defaultdict(list)
    for path in sorted(TESTS.rglob("*.py")):
        owners[_module_name(path)].append(str(path.relative_to(TESTS)))
    clashes = {name: files for name, files in owners.items() if len(files) > 1}
    assert not clashes, f"test modules that import under one name (add an __init__.py): {clashes}"
