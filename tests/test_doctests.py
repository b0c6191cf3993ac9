"""Every docstring example in the installed package runs (the modules are imported as ``cnngrade.*``).

pytest's ``--doctest-modules`` would import ``reference/conv.py`` as a second, top-level ``reference``
package beside ``cnngrade.reference``; walking the real package keeps one copy of every module.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

# the sandbox runtime is loaded by file path inside the child, never imported in the grader
_SKIP_PREFIXES = ("cnngrade.grader.sandbox.runtime", "cnngrade.__main__")


def _module_names() -> list[str]:
    # the subpackages are mapped folders, so each is walked from its own __path__
    names = ["cnngrade"]
    for package in ("reference", "exercises", "grader"):
        root = importlib.import_module(f"cnngrade.{package}")
        names.append(root.__name__)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{root.__name__}."):
            if not info.name.startswith(_SKIP_PREFIXES):
                names.append(info.name)
    return sorted(names)


MODULES = _module_names()


def test_the_walk_finds_every_subpackage() -> None:
    for package in ("reference", "exercises", "grader"):
        assert any(name.startswith(f"cnngrade.{package}.") for name in MODULES), package
    assert len(MODULES) > 100


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} doctest examples failed in {name}"
    )
