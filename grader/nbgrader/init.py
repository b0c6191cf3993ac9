"""``cnngrade nbgrader init``: add cnngrade to a course's ``nbgrader_config.py`` (idempotent).

cnngrade's settings live in one marked block at the end of the file; everything outside it is the
instructor's and is kept byte for byte. Running init again rewrites only the block. The students'
side needs one setting too (the personalizing fetch), in a config file their nbgrader reads: by
default ``$JUPYTER_CONFIG_DIR/nbgrader_config.py`` or the environment's own
``<sys.prefix>/etc/jupyter/nbgrader_config.py``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from cnngrade.grader.nbgrader.config import FETCH_CLASS

__all__ = ["BEGIN", "END", "init_course", "student_config_dir", "write_block"]

BEGIN = "# >>> cnngrade >>> (written by `cnngrade nbgrader init`; rerunning it rewrites only this block)"
END = "# <<< cnngrade <<<"
_COURSE_BLOCK = """from cnngrade.grader.nbgrader.config import configure as _cnngrade_configure

_cnngrade_configure(c)"""
_STUDENT_BLOCK = f"c.ExchangeFactory.fetch_assignment = {FETCH_CLASS!r}"
_NEW_FILE = "c = get_config()  # noqa: F821 (nbgrader's config file)\n"
_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)


def write_block(path: Path, body: str) -> bool:
    """Put ``body`` between the cnngrade markers of the config file ``path``; True if it changed.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "nbgrader_config.py"
    >>> _ = p.write_text("c = get_config()\\nc.CourseDirectory.course_id = 'dl'\\n")
    >>> write_block(p, "x = 1"), write_block(p, "x = 1"), p.read_text().count(BEGIN)
    (True, False, 1)
    """
    old = path.read_text(encoding="utf-8") if path.exists() else _NEW_FILE
    block = f"{BEGIN}\n{body}\n{END}\n"
    if _BLOCK.search(old):
        new = _BLOCK.sub(lambda _: block, old, count=1)
    else:
        new = old + ("" if old.endswith("\n") or not old else "\n") + "\n" + block
    if new == old and path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
    return True


def student_config_dir() -> Path:
    """Where students' nbgrader reads config: ``$JUPYTER_CONFIG_DIR`` if set, else the environment's
    ``<sys.prefix>/etc/jupyter`` (read by every nbgrader run in this environment)."""
    configured = os.environ.get("JUPYTER_CONFIG_DIR", "").strip()
    return Path(configured).expanduser() if configured else Path(sys.prefix) / "etc" / "jupyter"


def init_course(course_dir: str | Path, *, student_config: str | Path | None = None) -> list[Path]:
    """Add cnngrade to ``COURSE_DIR/nbgrader_config.py`` and the fetch hook to the student config
    folder ``student_config`` (default :func:`student_config_dir`); return the files written.

    The course folder is created if it does not exist yet. Raises ValueError (one line) when it is
    a file or a file cannot be written.
    """
    course = Path(course_dir)
    if course.exists() and not course.is_dir():
        raise ValueError(
            f"COURSE_DIR {str(course)!r} is not a folder; pass the nbgrader course folder"
        )
    try:
        (course / "cnngrade").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"COURSE_DIR {str(course)!r}: cannot create it ({exc.strerror})") from None
    targets = [
        (course / "nbgrader_config.py", _COURSE_BLOCK),
        (Path(student_config or student_config_dir()) / "nbgrader_config.py", _STUDENT_BLOCK),
    ]
    written = []
    for path, body in targets:
        try:
            write_block(path, body)
        except OSError as exc:
            raise ValueError(
                f"{path}: cannot write it ({exc.strerror}); fix its permissions or pass another "
                "folder with --student-config"
            ) from None
        written.append(path)
    return written
