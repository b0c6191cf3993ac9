"""Wrong max_pool2d: computes the output height from W and the width from H (swapped dims).

Deserves: hint transposed.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(padding)
    sh, sw = _pair(kernel_size if stride is None else stride)
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    h_out = (w + 2 * pw - kw) // sw + 1  # BUG: W for H
    w_out = (h + 2 * ph - kh) // sh + 1  # BUG: H for W
    out = np.empty((n, c, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return out
