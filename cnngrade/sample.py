"""The sample class that ships with cnngrade (package data ``cnngrade.examples``), and a writable copy.

An installed package folder may be read-only (a course image) and must not collect an instructor's
files (a course key is created beside the manifest it grades), so ``cnngrade demo`` grades a copy::

    OUT/class/assignment.yaml   the manifest
    OUT/class/roster.csv        seven students
    OUT/class/submissions/      six students' hand-ins (s07 handed in nothing)
    OUT/class/code/             the conv2d files of the ``check`` examples
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["SampleClass", "copy_sample_class", "sample_class_dir"]

#: written into a copy, so a later copy knows the folder is its own to overwrite
MARKER = ".cnngrade-sample-class"
_TREES = ("submissions", "code")
_FILES = ("assignment.yaml", "roster.csv")


@dataclass(frozen=True)
class SampleClass:
    """Where the sample class's parts are."""

    folder: Path

    @property
    def manifest(self) -> Path:
        return self.folder / "assignment.yaml"

    @property
    def roster(self) -> Path:
        return self.folder / "roster.csv"

    @property
    def submissions(self) -> Path:
        return self.folder / "submissions"

    @property
    def code(self) -> Path:
        return self.folder / "code"


def sample_class_dir() -> Path:
    """The installed sample class (``examples/`` in a checkout or an editable install).

    >>> (sample_class_dir() / "assignment.yaml").is_file()
    True
    """
    return Path(str(resources.files("cnngrade.examples")))


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name == "__pycache__" or entry.name.startswith("."):
            continue
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


def copy_sample_class(dest: str | Path) -> SampleClass:
    """Copy the sample class into ``dest`` (made fresh each time; other files there are kept).

    ``submissions/`` and ``code/`` are replaced, so a copy always equals the installed sample. A
    ``dest`` that exists, is not empty and was not made by this function is refused, never
    overwritten.

    >>> import tempfile
    >>> copy = copy_sample_class(Path(tempfile.mkdtemp()) / "class")
    >>> sorted(p.name for p in copy.submissions.iterdir())[:2], copy.manifest.is_file()
    (['s01', 's02'], True)
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"{dest} is a file; give a folder for the sample class")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).is_file():
        raise ValueError(
            f"{dest} already holds files that are not a sample class copy; "
            "choose another --out folder (the demo writes the sample class into OUT/class)"
        )
    source = resources.files("cnngrade.examples")
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MARKER).write_text("copied by cnngrade demo; rewritten by each run\n", encoding="utf-8")
    for tree in _TREES:
        shutil.rmtree(dest / tree, ignore_errors=True)
        _copy_tree(source / tree, dest / tree)
    for name in _FILES:
        (dest / name).write_bytes((source / name).read_bytes())
    return SampleClass(dest)
