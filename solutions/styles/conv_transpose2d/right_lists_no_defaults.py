"""conv_transpose2d with every parameter required (no defaults), a helper per output pixel, returns
nested lists.

Deserves: full marks.
"""

import numpy as np


def _pair(v):
    if isinstance(v, int):
        return v, v
    return v[0], v[1]


def _pixel(x, weight, n, o, r, c, geo):
    """Sum over the inputs and taps that land on output (r, c) of channel o (uncropped grid)."""
    sh, sw, dh, dw, groups = geo
    cig = x.shape[1] // groups
    cog = weight.shape[1]
    g, oo = divmod(o, cog)
    total = 0.0
    for a in range(weight.shape[2]):
        i, rem = divmod(r - a * dh, sh)
        if rem or not 0 <= i < x.shape[2]:
            continue
        for b in range(weight.shape[3]):
            j, rem2 = divmod(c - b * dw, sw)
            if rem2 or not 0 <= j < x.shape[3]:
                continue
            total += float(
                np.dot(
                    x[n, g * cig : (g + 1) * cig, i, j], weight[g * cig : (g + 1) * cig, oo, a, b]
                )
            )
    return total


def conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups, dilation):
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = map(
        _pair, (stride, padding, output_padding, dilation)
    )
    n, cin, h, w = x.shape
    kh, kw = weight.shape[2:]
    H = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    W = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    geo = (sh, sw, dh, dw, groups)
    return [
        [
            [
                [
                    _pixel(x, weight, b, o, r + ph, c + pw, geo)
                    + (0.0 if bias is None else float(bias[o]))
                    for c in range(W)
                ]
                for r in range(H)
            ]
            for o in range(weight.shape[1] * groups)
        ]
        for b in range(n)
    ]
