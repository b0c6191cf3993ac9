"""Wrong max_pool2d_backward: routes the gradient to every position equal to the window's max.

Deserves: hint ties_to_all_maxima.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(padding)
    sh, sw = _pair(kernel_size if stride is None else stride)
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape, dtype=np.float64)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            mask = window == window.max(axis=(2, 3), keepdims=True)  # BUG: all tied maxima
            dxp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] += (
                mask * dout[:, :, i, j][:, :, None, None]
            )
    return dxp[:, :, ph : ph + h, pw : pw + w]
