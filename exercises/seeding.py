"""Reproducible variants: a documented hash of (assignment, student, exercise slot, attempt) → seed.

``seed = int.from_bytes(SHA-256("cnngrade-v1" ␟ assignment ␟ student ␟ slot ␟ attempt)[:8], "big")``
where ␟ is the unit separator U+001F and every part is its ``str`` in UTF-8. The seed feeds
``numpy.random.Generator(PCG64(seed))``. No Python ``hash()``, no global RNG, no torch RNG: the same
variant on every machine, process, ``PYTHONHASHSEED`` and device.
"""

from __future__ import annotations

import hashlib

import numpy as np

_DOMAIN = "cnngrade-v1"
_SEP = "\x1f"


def variant_seed(assignment_id: str, student_id: str, slot: str, attempt: int = 0) -> int:
    """The 64-bit seed of one variant.

    >>> variant_seed("hw1", "s001", "conv_output_size.1", 0)
    7847602833837780541
    """
    parts = (_DOMAIN, str(assignment_id), str(student_id), str(slot), str(int(attempt)))
    digest = hashlib.sha256(_SEP.join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(seed: int) -> np.random.Generator:
    """The NumPy generator every variant draws from."""
    return np.random.Generator(np.random.PCG64(seed))
