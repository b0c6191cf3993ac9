"""Wrong max_pool2d: takes one kernel size and one stride (the first of a pair) and never pads; the
output shapes are wrong but not swapped, so nothing may say "swapped H and W".

Deserves: hint fails_with_uneven.
Feedback: use the first value for rows and the second for columns
"""

import numpy as np


def max_pool2d(x, kernel_size, stride=None, padding=0):
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    s = k if stride is None else (stride if isinstance(stride, int) else stride[0])
    n, c, h, w = x.shape
    ho = (h - k) // s + 1
    wo = (w - k) // s + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = x[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(2, 3))
    return out
