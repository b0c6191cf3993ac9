"""Wrong max_pool2d, Python 2: loops with xrange (a NameError in Python 3), int-only arguments.

Deserves: hint python2.
Feedback: This is Python 2 code (xrange)
"""

import numpy as np


def max_pool2d(x, kernel_size, stride=None, padding=0):
    k = kernel_size
    s = stride or k
    N, C, H, W = x.shape
    Ho = (H - k) // s + 1
    Wo = (W - k) // s + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in xrange(Ho):  # noqa: F821 - Python 2
        for j in xrange(Wo):  # noqa: F821
            out[:, :, i, j] = x[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(2, 3))
    return out
