"""The cnngrade wheel that goes into an autograder bundle: the running cnngrade, whatever installed it.

- from a checkout (or an editable install of one): built with ``pip wheel --no-deps
  --no-build-isolation`` from a copy of the tree, so the checkout gets no ``build/`` folder and two
  builds never race;
- from an installed wheel (a course image): the installed files repacked as a wheel, with a fresh
  ``RECORD`` (the scripts pip generated, outside site-packages, are left out: pip makes them again);
- or the wheel the caller names (``--wheel``).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import cnngrade

__all__ = ["bundle_wheel", "source_tree"]

#: never copied into the build: caches, environments, outputs, and course keys (.cnngrade)
_NOT_SOURCE = (".git", ".venv", "venv", "build", "dist", "out", "demo-out", "__pycache__",
               "*.egg-info", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", "*.pyc",
               ".cnngrade")  # fmt: skip
#: files pip writes at install time; a wheel does not carry them
_INSTALL_ONLY = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")


def source_tree() -> Path | None:
    """The checkout this cnngrade runs from (its ``pyproject.toml`` names cnngrade), else None."""
    root = Path(cnngrade.__file__).resolve().parents[1]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "cnngrade"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def _check_wheel(path: Path) -> Path:
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        raise ValueError(
            f"--wheel {path} is not a readable wheel; build one with `pip wheel .`"
        ) from None
    if not path.name.startswith("cnngrade-") or "cnngrade/__init__.py" not in names:
        raise ValueError(f"--wheel {path} is not a cnngrade wheel (no cnngrade/__init__.py in it)")
    return path


def _build(project: Path, dest: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="cnngrade-wheel-") as tmp:
        source = Path(tmp) / "src"
        shutil.copytree(project, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE), symlinks=True)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
             "--no-index", "-q", "-w", str(dest)],
            capture_output=True, text=True, cwd=tmp,
        )  # fmt: skip
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValueError(
            f"could not build the cnngrade wheel from {project} ({last}); install setuptools "
            "(`pip install setuptools`) or pass --wheel PATH"
        )
    return max(dest.glob("cnngrade-*.whl"), key=lambda p: p.stat().st_mtime)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _repack(dest: Path) -> Path:
    dist = metadata.distribution("cnngrade")
    info = next((str(f).split("/")[0] for f in dist.files or () if ".dist-info/" in str(f)), None)
    if info is None:
        raise ValueError("the installed cnngrade lists no files to repack; pass --wheel PATH")
    target = dest / f"cnngrade-{dist.version}-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in dist.files or ():
            name = str(file).replace("\\", "/")
            if name.startswith("..") or "__pycache__" in name or name.endswith(".pyc"):
                continue
            if name.startswith(f"{info}/") and name.rsplit("/", 1)[-1] in _INSTALL_ONLY:
                continue
            data = Path(dist.locate_file(file)).read_bytes()
            archive.writestr(name, data)
            records.append(_record_line(name, data))
        records.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return target


def bundle_wheel(dest: str | Path, wheel: str | Path | None = None) -> Path:
    """A cnngrade wheel in ``dest``: ``wheel`` when given, else built or repacked (see module doc)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if wheel is not None:
        return _check_wheel(Path(wheel))
    project = source_tree()
    return _build(project, dest) if project is not None else _repack(dest)
