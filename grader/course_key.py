"""The course key: an instructor secret that makes a student's graded code cases unpredictable.

A code slot's graded cases are drawn from ``graded_case_seed(assignment, student, slot, attempt,
secret)`` (``cnngrade.exercises.seeding``). Without the secret a student who knows the package, the
manifest and their own id still cannot compute their inputs (and fetch the outputs from torch at home).

Where the key lives, first match wins:

1. ``key_file`` passed by the caller (the demo keeps its key in its own output folder);
2. the file named by ``$CNNGRADE_COURSE_KEY_FILE``;
3. ``<manifest folder>/.cnngrade/course.key`` (with a ``.gitignore`` of ``*`` beside it, so a course
   repository does not publish it).

It is created on first use (32 random bytes from ``secrets``, written as hex, mode 0600, folder 0700)
and read afterwards. Results record only its ``fingerprint`` (a SHA-256 prefix that reveals nothing
of the secret), so a later run can tell whether the same key graded them. Losing the key changes every
graded case on the next regrade; keep it with the instructor's files, never with what students receive.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cnngrade.exercises.seeding import MIN_SECRET_BYTES

__all__ = ["KEY_ENV", "CourseKey", "course_key_path", "fingerprint_of", "load_course_key"]

#: environment variable naming the key file (overrides the place beside the manifest)
KEY_ENV = "CNNGRADE_COURSE_KEY_FILE"
_KEY_DIR = ".cnngrade"
_KEY_NAME = "course.key"
_SECRET_BYTES = 32
_MAX_FILE_BYTES = 4096
_HEADER = (
    "# cnngrade course key: keeps each student's graded code cases secret.\n"
    "# Keep it private (mode 0600), back it up with your instructor files, never hand it to students.\n"
    "# Replacing it changes every student's graded code cases at the next regrade.\n"
)


@dataclass(frozen=True)
class CourseKey:
    """The course secret and its public fingerprint (``secret`` is never shown in a repr)."""

    secret: bytes = field(repr=False)
    fingerprint: str


def fingerprint_of(secret: bytes) -> str:
    """A public name for a secret: ``"sha256:"`` and 16 hex digits of a domain-tagged SHA-256.

    >>> fingerprint_of(bytes(32))
    'sha256:42894b92ef7cfcd5'
    """
    digest = hashlib.sha256(b"cnngrade-course-key-fingerprint\x1f" + bytes(secret)).hexdigest()
    return f"sha256:{digest[:16]}"


def _env_key_file() -> str:
    """The key file ``$CNNGRADE_COURSE_KEY_FILE`` names, or ``""``."""
    return os.environ.get(KEY_ENV, "").strip()


def course_key_path(manifest_path: str | Path, key_file: str | Path | None = None) -> Path:
    """Where the key of the course whose manifest is ``manifest_path`` lives (see the module doc)."""
    if key_file is not None:
        return Path(key_file).expanduser()
    env = _env_key_file()
    if env:
        return Path(env).expanduser()
    return Path(manifest_path).expanduser().resolve().parent / _KEY_DIR / _KEY_NAME


def load_course_key(
    manifest_path: str | Path, *, create: bool = True, key_file: str | Path | None = None
) -> CourseKey:
    """Read the course key, creating it on first use when ``create`` is true.

    Raises ``ValueError`` (one line: where, what is wrong, how to fix) when the key is missing and
    ``create`` is false, unreadable, malformed, or cannot be created where it belongs.
    """
    path = course_key_path(manifest_path, key_file)
    if not os.path.lexists(path):
        if not create:
            raise ValueError(
                f"no course key at {path}: grade the class once to create it, or point "
                f"${KEY_ENV} at the key that graded it"
            )
        _create(path, default_place=key_file is None and not _env_key_file())
    return _read(path)


def _read(path: Path) -> CourseKey:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(
                f"the course key {path} is not a regular file; remove it or set ${KEY_ENV}"
            )
        if info.st_size > _MAX_FILE_BYTES:
            raise ValueError(
                f"the course key {path} is {info.st_size} bytes, not a key file; restore it"
            )
        _tighten(path, info)
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ValueError(
            f"cannot read the course key {path}: {error.strerror or error}; fix its permissions "
            f"or set ${KEY_ENV}"
        ) from None
    lines = [line.strip() for line in text.splitlines()]
    values = [line for line in lines if line and not line.startswith("#")]
    try:
        secret = bytes.fromhex(values[0]) if len(values) == 1 else b""
    except ValueError:
        secret = b""
    if len(secret) < MIN_SECRET_BYTES:  # what graded_case_seed accepts
        raise ValueError(
            f"the course key {path} is malformed (expected one line of {2 * _SECRET_BYTES} hex "
            "digits); restore it from a backup, or delete it to start a new key (graded cases change)"
        )
    return CourseKey(secret, fingerprint_of(secret))


def _tighten(path: Path, info: os.stat_result) -> None:
    """A key readable by others is made private when it is ours (a copy made under a loose umask)."""
    if info.st_mode & 0o077 and info.st_uid == os.geteuid():
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)


def _create(path: Path, *, default_place: bool) -> None:
    folder = path.parent
    try:
        if default_place and not folder.is_dir():
            folder.mkdir(mode=0o700)
            (folder / ".gitignore").write_text(
                "# the course key stays private\n*\n", encoding="utf-8"
            )
        else:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_new(path, _HEADER + secrets.token_bytes(_SECRET_BYTES).hex() + "\n")
    except OSError as error:
        where = "the manifest's folder" if default_place else "that folder"
        raise ValueError(
            f"cannot create the course key {path}: {error.strerror or error} ({where} is not "
            f"writable); set ${KEY_ENV} to a private, writable file, e.g. "
            f"~/.config/cnngrade/course.key, and run again"
        ) from None


def _write_new(path: Path, text: str) -> None:
    """Write ``path`` atomically and only if it does not exist (two first runs agree on one key)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another first run won: theirs is the key
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
