"""Reproducible variants: a documented hash of (assignment, student, exercise slot, attempt) → seed.

``seed = int.from_bytes(SHA-256("cnngrade-v1" ␟ assignment ␟ student ␟ slot ␟ attempt)[:8], "big")``
where ␟ is the unit separator U+001F and every part is its ``str`` in UTF-8. The seed feeds
``numpy.random.Generator(PCG64(seed))``. No Python ``hash()``, no global RNG, no torch RNG: the same
variant on every machine, process, ``PYTHONHASHSEED`` and device.

``variant_seed`` is public on purpose: typed-answer variants show their parameters anyway, and the
self-check's code cases are meant to be reproducible at home. A student's *graded* code cases must not
be: their seed is keyed by the course's secret (``cnngrade.grader.course_key``)::

    seed = int.from_bytes(HMAC-SHA-256(key=secret,
                          "cnngrade-graded-v1" ␟ assignment ␟ student ␟ slot ␟ attempt)[:8], "big")

so knowing the package, the assignment and one's own id is not enough to compute the inputs.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np

_DOMAIN = "cnngrade-v1"
_GRADED_DOMAIN = "cnngrade-graded-v1"
#: the shortest secret accepted (bytes); a course key holds 32
MIN_SECRET_BYTES = 16
_SEP = "\x1f"


def variant_seed(assignment_id: str, student_id: str, slot: str, attempt: int = 0) -> int:
    """The 64-bit seed of one variant.

    >>> variant_seed("hw1", "s001", "conv_output_size.1", 0)
    7847602833837780541
    """
    parts = (_DOMAIN, str(assignment_id), str(student_id), str(slot), str(int(attempt)))
    digest = hashlib.sha256(_SEP.join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def graded_case_seed(
    assignment_id: str, student_id: str, slot: str, attempt: int, secret: bytes
) -> int:
    """The 64-bit seed of a student's graded code cases: HMAC-SHA-256 keyed by the course secret.

    >>> graded_case_seed("hw1", "s001", "conv2d.1", 0, bytes(range(32)))
    16963774277243346533
    >>> graded_case_seed("hw1", "s001", "conv2d.1", 0, b"short")
    Traceback (most recent call last):
    ...
    ValueError: graded_case_seed: secret must be at least 16 bytes (got 5); load it with cnngrade.grader.course_key.load_course_key
    """
    if not isinstance(secret, bytes | bytearray) or len(secret) < MIN_SECRET_BYTES:
        got = f"{len(secret)}" if isinstance(secret, bytes | bytearray) else type(secret).__name__
        raise ValueError(
            f"graded_case_seed: secret must be at least {MIN_SECRET_BYTES} bytes (got {got}); "
            "load it with cnngrade.grader.course_key.load_course_key"
        )
    parts = (_GRADED_DOMAIN, str(assignment_id), str(student_id), str(slot), str(int(attempt)))
    digest = hmac.new(bytes(secret), _SEP.join(parts).encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(seed: int) -> np.random.Generator:
    """The NumPy generator every variant draws from."""
    return np.random.Generator(np.random.PCG64(seed))
