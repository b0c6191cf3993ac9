"""Wrong avg_pool2d: accepts padding but never pads.

Deserves: hint fails_with_padding.
"""

import numpy as np


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (
        (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    )
    ho = (x.shape[2] - kh) // sh + 1
    wo = (x.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], x.shape[1], ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = x[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].mean(axis=(2, 3))
    return out
