"""Seeds: the public variant seed and the course-keyed seed of graded code cases."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from cnngrade.exercises.seeding import graded_case_seed, variant_seed

SECRET = bytes(range(32))


def test_graded_seed_is_the_documented_hmac() -> None:
    message = "\x1f".join(("cnngrade-graded-v1", "hw1", "s001", "conv2d.1", "0")).encode()
    digest = hmac.new(SECRET, message, hashlib.sha256).digest()
    assert graded_case_seed("hw1", "s001", "conv2d.1", 0, SECRET) == int.from_bytes(
        digest[:8], "big"
    )


def test_graded_seed_depends_on_every_part_and_on_the_secret() -> None:
    base = graded_case_seed("hw1", "s001", "conv2d.1", 0, SECRET)
    others = {
        graded_case_seed("hw2", "s001", "conv2d.1", 0, SECRET),
        graded_case_seed("hw1", "s002", "conv2d.1", 0, SECRET),
        graded_case_seed("hw1", "s001", "conv2d.2", 0, SECRET),
        graded_case_seed("hw1", "s001", "conv2d.1", 1, SECRET),
        graded_case_seed("hw1", "s001", "conv2d.1", 0, bytes(32)),
    }
    assert base not in others and len(others) == 5
    assert base != variant_seed("hw1", "s001", "conv2d.1", 0)  # the public seed says nothing


def test_graded_seed_refuses_a_missing_or_short_secret() -> None:
    for secret in (b"", b"short", None, "a string secret of some length"):
        with pytest.raises(ValueError, match="secret must be at least 16 bytes"):
            graded_case_seed("hw1", "s001", "conv2d.1", 0, secret)  # type: ignore[arg-type]
    assert graded_case_seed("hw1", "s", "x", 0, bytearray(SECRET)) == graded_case_seed(
        "hw1", "s", "x", 0, SECRET
    )
