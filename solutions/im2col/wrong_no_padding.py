"""Wrong im2col: ignores padding.

Deserves: hint fails_with_padding.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def im2col(x, kernel_size, stride=1, padding=0):
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel_size), _pair(stride), _pair(padding)
    n, c, h, w = x.shape
    xp, ph, pw = x, 0, 0  # BUG: padding ignored
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (w + 2 * pw - kw) // sw + 1
    cols = np.zeros((n, c, kh, kw, h_out, w_out), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw]
    return cols.reshape(n, c * kh * kw, h_out * w_out)
