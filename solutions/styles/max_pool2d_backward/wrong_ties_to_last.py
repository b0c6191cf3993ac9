"""Wrong max_pool2d_backward: on tied maxima routes the gradient to the LAST maximum (>= scan).

Deserves: hint ties_to_last_maximum.
"""

import numpy as np


def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (
        (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    )
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    N, C = x.shape[:2]
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    best, at = -np.inf, (0, 0)
                    for a in range(kh):
                        for b in range(kw):
                            v = xp[n, c, i * sh + a, j * sw + b]
                            if v >= best:
                                best, at = v, (a, b)
                    dxp[n, c, i * sh + at[0], j * sw + at[1]] += dout[n, c, i, j]
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
