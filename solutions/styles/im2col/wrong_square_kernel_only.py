"""Wrong im2col: treats kernel_size as an int (k x k), so a (kH, kW) pair raises TypeError.

Deserves: hint pair_argument (a TypeError when kernel_size is a pair).
"""

import numpy as np


def im2col(x, kernel_size, stride=1, padding=0):
    k = kernel_size
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho, wo = (H + 2 * ph - k) // sh + 1, (W + 2 * pw - k) // sw + 1
    cols = np.zeros((N, C * k * k, ho * wo))
    for oh in range(ho):
        for ow in range(wo):
            cols[:, :, oh * wo + ow] = xp[
                :, :, oh * sh : oh * sh + k, ow * sw : ow * sw + k
            ].reshape(N, -1)
    return cols
