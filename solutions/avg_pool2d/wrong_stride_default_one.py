"""Wrong avg_pool2d: a missing stride defaults to 1 instead of kernel_size.

Deserves: hint stride_default_one.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(padding)
    sh, sw = _pair(1 if stride is None else stride)  # BUG
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=0.0)
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (w + 2 * pw - kw) // sw + 1
    out = np.empty((n, c, h_out, w_out), dtype=np.float64)
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].sum(
                axis=(2, 3)
            ) / (kh * kw)
    return out
