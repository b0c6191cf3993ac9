"""Convolution case parameters: drawing them, checking them, shrinking them, naming their features.

Params (all ints/bools, JSON-serializable): ``N``, ``cin`` and ``cout`` (channels *per group*),
``groups``, ``H``, ``W``, ``kh``, ``kw``, ``sh``, ``sw``, ``ph``, ``pw``, ``dh``, ``dw``, ``bias``,
``ints`` (small-integer data) and ``seed``. Channel counts per group make every shrink valid.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.code._common import down_to, draw_seed, shrink_steps, to
from cnngrade.exercises.code.core import Case
from cnngrade.reference.analysis.sizes import effective_kernel_size

BASE: dict[str, Any] = {
    "N": 1, "cin": 1, "cout": 1, "groups": 1, "H": 5, "W": 5, "kh": 3, "kw": 3,
    "sh": 1, "sw": 1, "ph": 0, "pw": 0, "dh": 1, "dw": 1, "bias": True, "ints": False,
}  # fmt: skip


def valid(p: dict[str, Any]) -> bool:
    """Every (dilated) kernel fits in the padded input, padding at most half the kernel span.

    >>> valid({**BASE, "H": 2}), valid({**BASE, "H": 3})
    (False, True)
    """
    for n, k, pad, d in ((p["H"], p["kh"], p["ph"], p["dh"]), (p["W"], p["kw"], p["pw"], p["dw"])):
        span = effective_kernel_size(k, d)
        if n + 2 * pad < span or 2 * pad > span:
            return False
    return min(p["N"], p["cin"], p["cout"], p["groups"], p["sh"], p["sw"]) >= 1


def case(rng: np.random.Generator, group: str, **fixed: Any) -> Case:
    """A random valid case of ``group``: ``fixed`` keys are kept, the rest drawn (then repaired).

    >>> c = case(np.random.default_rng(0), "stride", sh=2, sw=3)
    >>> (c.params["sh"], c.params["sw"], valid(c.params))
    (2, 3, True)
    """
    p = {
        **BASE,
        "N": int(rng.integers(1, 4)), "cin": int(rng.integers(1, 4)), "cout": int(rng.integers(1, 4)),
        "H": int(rng.integers(4, 9)), "W": int(rng.integers(4, 9)),
        "kh": int(rng.integers(1, 4)), "kw": int(rng.integers(1, 4)),
    }  # fmt: skip
    p.update(fixed)
    for n, k, d in (("H", "kh", "dh"), ("W", "kw", "dw")):
        p[n] = max(p[n], effective_kernel_size(p[k], p[d]))  # grow the input until the kernel fits
    for pad, k, d in (("ph", "kh", "dh"), ("pw", "kw", "dw")):
        p[pad] = min(p[pad], effective_kernel_size(p[k], p[d]) // 2)
    p["seed"] = draw_seed(rng)
    return Case(group, p)


def standard_cases(
    rng: np.random.Generator, *, groups: bool = True, dilation: bool = True
) -> list[Case]:
    """The edge cases every convolution exercise covers (N=1, H≠W, non-square kernels, stride,
    padding, dilation, groups, floor-matters sizes, tiny and larger sizes)."""
    r = rng
    cases = [
        case(r, "basic", N=1, cin=1, cout=1, kh=3, kw=3, bias=False),
        case(r, "basic", H=int(r.integers(5, 8)), W=int(r.integers(8, 11)), kh=2, kw=3),
        case(r, "basic", N=1, H=1, W=1, kh=1, kw=1),  # tiny: 1x1 input and kernel
        case(r, "basic", kh=3, kw=3, H=3, W=3),  # kernel as large as the input
        case(r, "padding", ph=1, pw=1, kh=3, kw=3, bias=False),
        case(r, "padding", ph=2, pw=1, kh=5, kw=3, H=6, W=7),
        case(r, "stride", sh=2, sw=2, H=7, W=8, kh=2, kw=2),  # floor: (7 - 2) / 2 not an integer
        case(r, "stride", sh=2, sw=3, ph=1, pw=1, H=9, W=10, kh=3, kw=3),
        case(r, "mixed", N=2, cin=4, cout=5, H=16, W=13, kh=3, kw=5, sh=2, sw=1, ph=1, pw=2),
    ]
    if dilation:
        cases += [
            case(r, "dilation", dh=2, dw=2, kh=3, kw=3, H=7, W=8),
            case(r, "dilation", dh=2, dw=1, ph=1, pw=1, kh=3, kw=2, H=6, W=5, sh=2),
        ]
    if groups:
        cases += [
            case(r, "groups", groups=2, cin=2, cout=1),
            case(
                r, "groups", groups=3, cin=1, cout=2, ph=1, pw=1
            ),  # depthwise (one channel a group)
        ]
    return cases


def shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Simpler valid variants of a case, simplest structure first, then counts, then sizes.

    A kernel and its padding also shrink together (a 1-wide kernel allows no padding).

    >>> [(q["kh"], q["ph"]) for q in shrink({**BASE, "H": 1, "W": 1, "kh": 2, "kw": 1, "ph": 1})]
    [(2, 1), (2, 1), (1, 0)]
    """
    steps = [
        ("groups", to(1)), ("dh", to(1)), ("dw", to(1)), ("sh", to(1)), ("sw", to(1)),
        ("ph", down_to(0)), ("pw", down_to(0)), ("N", down_to(1)), ("cin", down_to(1)),
        ("cout", down_to(1)), ("bias", to(False)), ("kh", down_to(1)), ("kw", down_to(1)),
        ("H", down_to(1)), ("W", down_to(1)), ("ints", to(True)),
    ]  # fmt: skip
    out = shrink_steps(p, steps, valid)
    for k, pad in (("kh", "ph"), ("kw", "pw")):
        both = {**p, k: 1, pad: 0}
        if p[pad] > 0 and valid(both) and both not in out:
            out.append(both)
    return out


def features(p: dict[str, Any]) -> tuple[str, ...]:
    """The non-trivial features a case exercises (for "fails only when ..." hints).

    >>> features({**BASE, "sh": 2, "N": 3})
    ('batch', 'stride', 'uneven', 'bias')
    """
    found = {
        "batch": p["N"] > 1,
        "channels": p["cin"] > 1,
        "stride": p["sh"] > 1 or p["sw"] > 1,
        "padding": p["ph"] > 0 or p["pw"] > 0,
        "dilation": p["dh"] > 1 or p["dw"] > 1,
        "groups": p["groups"] > 1,
        "non_square": p["kh"] != p["kw"] or p["H"] != p["W"],
        # an argument the student receives as an (H, W) pair of two different values
        "uneven": any(p[a] != p[b] for a, b in (("sh", "sw"), ("ph", "pw"), ("dh", "dw"))),
        "bias": bool(p["bias"]),
        "floor": any(
            (p[n] + 2 * p[pad] - effective_kernel_size(p[k], p[d])) % p[s] != 0
            for n, pad, k, d, s in (("H", "ph", "kh", "dh", "sh"), ("W", "pw", "kw", "dw", "sw"))
        ),
    }
    return tuple(name for name, on in found.items() if on)
