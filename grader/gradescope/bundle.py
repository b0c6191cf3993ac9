"""``cnngrade gradescope MANIFEST --out autograder.zip``: a Gradescope autograder bundle.

What Gradescope wants (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip whose
root holds ``setup.sh`` (run once to build the image) and ``run_autograder`` (run per submission from
``/autograder``, the zip unpacked in ``/autograder/source``, the hand-in in ``/autograder/submission``,
who handed it in in ``/autograder/submission_metadata.json``; it must write
``/autograder/results/results.json``). Ours::

    setup.sh                        python3 venv in /opt/cnngrade, the CPU build of torch, the wheel
    run_autograder                  python -m cnngrade.grader.gradescope.run --root /autograder
    cnngrade-<version>-py3-none-any.whl
    assignment.yaml                 the manifest
    roster.csv                      when given: maps the Gradescope user to a roster id
    config.json                     which Gradescope field names the student, visibility, ...
    .cnngrade/course.key            the course key (graded code cases); students never see the bundle

The key is the instructor's (``load_course_key``: beside the manifest or ``$CNNGRADE_COURSE_KEY_FILE``),
so a class graded locally and on Gradescope draws the same graded cases.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cnngrade.exercises.assignment import load_manifest, load_roster
from cnngrade.grader.course_key import course_key_path, load_course_key
from cnngrade.grader.gradescope.wheel import bundle_wheel

__all__ = ["ID_FIELDS", "VISIBILITIES", "Bundle", "build_bundle"]

#: Gradescope's fields of ``users[0]`` in submission_metadata.json, and the roster column each
#: is looked up in by default (``sid`` is the student ID an instructor gives Gradescope)
ID_FIELDS = {"sid": "id", "email": "email", "name": "name", "id": "gradescope_id"}
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
CONFIG = "config.json"
KEY_IN_BUNDLE = ".cnngrade/course.key"
VENV = "/opt/cnngrade"
_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"

_SETUP = """#!/usr/bin/env bash
# cnngrade autograder setup: Gradescope runs this once, as root, when it builds the image.
set -euo pipefail
cd "$(dirname "$0")"
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip
fi
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {{
  echo "cnngrade needs Python >= 3.10: choose Gradescope's Ubuntu 22.04 (or newer) base image" >&2
  exit 1
}}
python3 -m venv {venv}
{venv}/bin/python -m pip install --upgrade pip
# the CPU build of torch (Gradescope has no GPU; the default build pulls gigabytes of CUDA)
{venv}/bin/python -m pip install {torch} --index-url {index}
{venv}/bin/python -m pip install ./{wheel}
{venv}/bin/python -c 'import cnngrade, torch; print("cnngrade", cnngrade.__version__, "torch", torch.__version__)'
"""

_RUN = """#!/usr/bin/env bash
# cnngrade autograder: grades /autograder/submission, writes /autograder/results/results.json.
# CNNGRADE_AUTOGRADER_ROOT moves /autograder (for a dry run); CNNGRADE_PYTHON picks the interpreter,
# else the first that imports cnngrade: setup.sh's venv, python3, the one that built this bundle.
set -uo pipefail
ROOT="${{CNNGRADE_AUTOGRADER_ROOT:-/autograder}}"
PY="${{CNNGRADE_PYTHON:-}}"
if [ -z "$PY" ]; then
  for PY in {venv}/bin/python python3 {builder}; do
    "$PY" -c 'import cnngrade.grader' 2>/dev/null && break
  done
fi
exec "$PY" -m cnngrade.grader.gradescope.run --root "$ROOT"
"""


@dataclass(frozen=True)
class Bundle:
    """What was written: the zip, the files in it, and the key that draws the graded cases."""

    path: Path
    files: tuple[str, ...]
    course_key: str  # the key's public fingerprint


def _torch_requirement(torch: str | None) -> str:
    """``torch==X`` (default: the torch installed here, so the image grades like this machine)."""
    if torch == "latest":
        return "torch"
    if torch is None:
        import torch as installed

        torch = installed.__version__.split("+")[0]
    if not torch.replace(".", "").isalnum() or torch.startswith("."):
        raise ValueError(f"--torch must be a version like 2.5.1 or 'latest', got {torch!r}")
    return f"torch=={torch}"


def _roster_column(roster: Path, column: str) -> None:
    """A roster that cannot map Gradescope's field to a student is refused now, not per submission."""
    load_roster(roster)  # a valid roster (id column, no duplicates)
    header = next(csv.reader(io.StringIO(roster.read_text(encoding="utf-8-sig"))), [])
    if column not in [h.strip() for h in header]:
        raise ValueError(
            f"{roster}:1: the roster has no {column!r} column to find Gradescope's students in "
            f"(columns: {', '.join(h.strip() for h in header)}); add it or pass --roster-column"
        )


def _entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build_bundle(
    manifest: str | Path,
    out: str | Path,
    *,
    roster: str | Path | None = None,
    id_field: str = "sid",
    roster_column: str | None = None,
    torch: str | None = None,
    wheel: str | Path | None = None,
    show_solutions: bool = False,
    visibility: str = "visible",
    course_key_file: str | Path | None = None,
) -> Bundle:
    """Write the autograder zip for ``manifest`` to ``out``.

    Args:
        roster: roster CSV; the Gradescope user's ``id_field`` is looked up in its
            ``roster_column`` and that row's ``id`` is the student. Without it the field's value is
            the student id itself.
        id_field: ``sid`` (default), ``email``, ``name`` or ``id`` (Gradescope's user number).
        roster_column: default ``id`` for ``sid``, else the field's name (``email``, ...).
        torch: the torch version setup.sh pins (default: the one installed here; ``latest``: none).
        wheel: the cnngrade wheel to ship (default: built from this checkout or repacked).
        show_solutions: worked solutions for wrong answers in the results.
        visibility: when students see the results (Gradescope's ``visibility``).
        course_key_file: the course key (default: beside the manifest, created on first use).
    """
    manifest, out = Path(manifest), Path(out)
    load_manifest(manifest)  # one-line errors for a bad manifest, before anything is written
    if id_field not in ID_FIELDS:
        raise ValueError(f"--id-field must be one of {', '.join(ID_FIELDS)}, got {id_field!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(
            f"--visibility must be one of {', '.join(VISIBILITIES)}, got {visibility!r}"
        )
    column = roster_column or ID_FIELDS[id_field]
    if roster is not None:
        _roster_column(Path(roster), column)
    requirement = _torch_requirement(torch)
    key = load_course_key(manifest, key_file=course_key_file)
    key_text = course_key_path(manifest, course_key_file).read_bytes()
    config = {
        "format": 1,
        "manifest": "assignment.yaml",
        "roster": "roster.csv" if roster is not None else None,
        "id_field": id_field,
        "roster_column": column if roster is not None else None,
        "show_solutions": bool(show_solutions),
        "visibility": visibility,
        "torch": requirement,
    }
    with tempfile.TemporaryDirectory(prefix="cnngrade-bundle-") as tmp:
        built = bundle_wheel(tmp, wheel)
        files = {
            "setup.sh": (
                _SETUP.format(
                    venv=VENV, torch=requirement, index=_TORCH_INDEX, wheel=built.name
                ).encode(),
                0o755,
            ),  # fmt: skip
            "run_autograder": (
                _RUN.format(venv=VENV, builder=shlex.quote(sys.executable)).encode(),
                0o755,
            ),
            built.name: (built.read_bytes(), 0o644),
            "assignment.yaml": (manifest.read_bytes(), 0o644),
            CONFIG: (json.dumps(config, indent=1).encode(), 0o644),
            KEY_IN_BUNDLE: (key_text, 0o600),
        }
        if roster is not None:
            files["roster.csv"] = (Path(roster).read_bytes(), 0o644)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.tmp")
        with zipfile.ZipFile(partial, "w") as archive:
            for name, (data, mode) in files.items():
                archive.writestr(_entry(name, mode), data)
        partial.replace(out)
    return Bundle(out, tuple(files), key.fingerprint)
