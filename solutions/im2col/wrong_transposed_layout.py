"""Wrong im2col: returns (N, L, C*kH*kW), the transpose of F.unfold's layout.

Deserves: hint columns_transposed.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def im2col(x, kernel_size, stride=1, padding=0):
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel_size), _pair(stride), _pair(padding)
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (w + 2 * pw - kw) // sw + 1
    rows = []
    for oh in range(h_out):
        for ow in range(w_out):
            rows.append(xp[:, :, oh * sh : oh * sh + kh, ow * sw : ow * sw + kw].reshape(n, -1))
    return np.stack(rows, axis=1)  # BUG: (N, L, C*kH*kW)
