"""Personal variants through nbgrader's exchange: a fetch that writes the fetching student's problems.

nbgrader releases one folder to every student; :class:`PersonalizedFetchAssignment` copies it as
nbgrader's own fetch does, then rewrites each tagged prompt cell of each fetched notebook for the
student (``--student``, else ``$JUPYTERHUB_USER``, else the user nbgrader's exchange uses) from the manifest that
``generate_assignment`` kept in the notebook's metadata. Prompts carry no answers, so this is safe on
the student's side. Locked prompt cells get their checksum recomputed (``nbgrader validate`` stays
quiet). A notebook without cnngrade metadata is left exactly as fetched.

Enable it with ``c.ExchangeFactory.fetch_assignment =
"cnngrade.grader.nbgrader.personalize.PersonalizedFetchAssignment"`` (``cnngrade nbgrader init``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment

from cnngrade.grader.nbgrader.tags import TAG

__all__ = ["PersonalizedFetchAssignment", "fetching_student", "personalize_file"]

_MAX_NOTEBOOK_BYTES = 50_000_000


def _shown(value: object) -> str:
    from cnngrade.grader.neutralize import for_terminal

    return for_terminal(str(value))


def fetching_student(coursedir: Any = None) -> str:
    """Who is fetching: a ``--student`` given to nbgrader, else ``$JUPYTERHUB_USER``, else the user
    name nbgrader's exchange records for a submission (as ``nbgrader submit`` decides)."""
    given = getattr(coursedir, "student_id", "*")
    if isinstance(given, str) and given.strip() not in ("", "*"):
        return given.strip()
    hub_user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if hub_user:
        return hub_user
    from nbgrader.utils import get_username

    return get_username()


def personalize_file(path: str | Path, student_id: str) -> int:
    """Personalize one notebook file in place for ``student_id``; return how many prompts changed.

    A notebook without cnngrade metadata (or unreadable as a notebook) is not touched (0).
    """
    import nbformat

    from cnngrade.exercises.assignment import parse_manifest
    from cnngrade.grader.nbgrader.prompts import personalize_notebook

    path = Path(path)
    if path.stat().st_size > _MAX_NOTEBOOK_BYTES:
        return 0
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get(TAG)
    if not isinstance(meta, dict) or not isinstance(meta.get("manifest"), str):
        return 0
    assignment = parse_manifest(meta["manifest"], f"{path.name} (cnngrade manifest)")
    count = personalize_notebook(nb, assignment, student_id)
    if count:
        nbformat.write(nb, path)
    return count


class PersonalizedFetchAssignment(ExchangeFetchAssignment):
    """nbgrader's fetch, then each fetched notebook's tagged prompts written for the student."""

    def copy_files(self) -> None:
        super().copy_files()
        student = fetching_student(self.coursedir)
        for path in sorted(Path(self.dest_path).rglob("*.ipynb")):
            try:
                count = personalize_file(path, student)
            # never a failed fetch: the student still gets the shared notebook
            except Exception as exc:
                self.log.warning(
                    "cnngrade: %s not personalized: %s", _shown(path.name), _shown(exc)
                )
                continue
            if count:
                self.log.info("cnngrade: %s personalized for %s (%d prompts)",
                              _shown(path.name), _shown(student), count)  # fmt: skip
