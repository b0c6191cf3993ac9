"""Pooling case parameters: ``N``, ``C``, ``H``, ``W``, ``kh``, ``kw``, ``sh``, ``sw``, ``ph``, ``pw``,
``default_stride`` (call without ``stride``: it then equals the kernel), ``ints`` and ``seed``."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.code._common import down_to, draw_seed, pair, shrink_steps, to
from cnngrade.exercises.code.core import Case, Params

BASE: dict[str, Any] = {
    "N": 1, "C": 1, "H": 4, "W": 4, "kh": 2, "kw": 2, "sh": 2, "sw": 2, "ph": 0, "pw": 0,
    "default_stride": False, "ints": False,
}  # fmt: skip


def valid(p: dict[str, Any]) -> bool:
    """Windows fit the padded input and padding is at most half the kernel (torch's rule).

    >>> valid({**BASE, "ph": 1}), valid({**BASE, "ph": 2})
    (True, False)
    """
    if p["default_stride"] and (p["sh"], p["sw"]) != (p["kh"], p["kw"]):
        return False
    fits = p["H"] + 2 * p["ph"] >= p["kh"] and p["W"] + 2 * p["pw"] >= p["kw"]
    return fits and 2 * p["ph"] <= p["kh"] and 2 * p["pw"] <= p["kw"] and min(p["sh"], p["sw"]) >= 1


def case(rng: np.random.Generator, group: str, **fixed: Any) -> Case:
    """A random valid pooling case with ``fixed`` keys kept."""
    p = {**BASE, "N": int(rng.integers(1, 4)), "C": int(rng.integers(1, 4)),
         "H": int(rng.integers(4, 9)), "W": int(rng.integers(4, 9)), **fixed}  # fmt: skip
    if p["default_stride"]:
        p["sh"], p["sw"] = p["kh"], p["kw"]
    p["H"], p["W"] = max(p["H"], p["kh"]), max(p["W"], p["kw"])
    p["seed"] = draw_seed(rng)
    return Case(group, p)


def standard_cases(rng: np.random.Generator, *, ties: bool = False) -> list[Case]:
    """Default stride, overlap, H≠W, non-square windows, floor sizes, padding, tiny, larger."""
    r = rng
    cases = [
        case(r, "basic", kh=2, kw=2, default_stride=True, H=6, W=6),
        case(r, "basic", kh=3, kw=3, sh=1, sw=1),  # overlapping windows
        case(r, "basic", N=1, C=1, H=1, W=1, kh=1, kw=1, sh=1, sw=1),  # tiny
        case(r, "shapes", kh=2, kw=3, default_stride=True, H=6, W=9),
        case(r, "shapes", kh=2, kw=2, sh=2, sw=2, H=7, W=5),  # floor: (7 - 2) / 2
        case(r, "shapes", kh=3, kw=2, sh=2, sw=1, H=8, W=5),
        case(r, "padding", kh=3, kw=3, sh=2, sw=2, ph=1, pw=1, H=7, W=8),  # ResNet's stem pool
        case(r, "padding", kh=2, kw=3, sh=1, sw=2, ph=1, pw=1),
        case(r, "mixed", N=2, C=4, H=16, W=13, kh=3, kw=2, sh=2, sw=1, ph=1, pw=1),
    ]
    if ties:
        cases += [
            case(r, "ties", kh=2, kw=2, default_stride=True, H=6, W=6, ints=True),
            case(r, "ties", kh=3, kw=3, sh=1, sw=2, ph=1, pw=1, ints=True),
        ]
    return cases


def kwargs(p: Params) -> dict[str, Any]:
    """The student's keyword arguments (``stride`` left out when it defaults to the kernel)."""
    out: dict[str, Any] = {} if p["default_stride"] else {"stride": pair(p["sh"], p["sw"])}
    return {**out, "padding": pair(p["ph"], p["pw"])}


def shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Simpler valid variants: padding, stride, counts, window, sizes, integer data."""
    steps = [
        ("ph", down_to(0)), ("pw", down_to(0)), ("default_stride", to(False)), ("sh", down_to(1)),
        ("sw", down_to(1)), ("N", down_to(1)), ("C", down_to(1)), ("kh", down_to(1)), ("kw", down_to(1)),
        ("H", down_to(1)), ("W", down_to(1)), ("ints", to(True)),
    ]  # fmt: skip
    return shrink_steps(p, steps, valid)


def features(p: Params) -> tuple[str, ...]:
    """Non-trivial features of a pooling case (each true of the case as its hint label says).

    >>> features({**BASE, "C": 3, "ints": True})
    ('planes', 'stride', 'ties')
    """
    found = {
        "batch": p["N"] > 1,
        "planes": p["C"] > 1,
        "stride": p["sh"] > 1 or p["sw"] > 1,
        "default_stride": bool(p["default_stride"]),
        "padding": p["ph"] > 0 or p["pw"] > 0,
        "non_square": p["kh"] != p["kw"] or p["H"] != p["W"],
        # an argument the student receives as an (H, W) pair of two different values
        "uneven": any(p[a] != p[b] for a, b in (("kh", "kw"), ("sh", "sw"), ("ph", "pw"))),
        "overlap": p["sh"] < p["kh"] or p["sw"] < p["kw"],
        "ties": bool(p["ints"]),
        "floor": (p["H"] + 2 * p["ph"] - p["kh"]) % p["sh"] != 0
        or (p["W"] + 2 * p["pw"] - p["kw"]) % p["sw"] != 0,
    }
    return tuple(name for name, on in found.items() if on)
