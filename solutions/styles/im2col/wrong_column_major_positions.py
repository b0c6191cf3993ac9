"""Wrong im2col: numbers the output positions column-major (l = ow*H_out + oh) instead of row-major.

Deserves: hint columns_column_major.
"""

import numpy as np


def im2col(x, kernel_size, stride=1, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho, wo = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    cols = np.zeros((N, C * kh * kw, ho * wo))
    for ow in range(wo):
        for oh in range(ho):
            patch = xp[:, :, oh * sh : oh * sh + kh, ow * sw : ow * sw + kw]
            cols[:, :, ow * ho + oh] = patch.reshape(N, -1)
    return cols
