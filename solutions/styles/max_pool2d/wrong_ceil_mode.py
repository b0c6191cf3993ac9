"""Wrong max_pool2d: rounds the output size up (ceil) and lets the last window run off the edge.

Deserves: hint fails_with_floor.
"""

import math

import numpy as np


def max_pool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (
        (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    )
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph + sh), (pw, pw + sw)), constant_values=-np.inf)
    ho = math.ceil((h + 2 * ph - kh) / sh) + 1
    wo = math.ceil((w + 2 * pw - kw) / sw) + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return out
