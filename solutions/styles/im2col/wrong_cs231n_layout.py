"""Wrong im2col: cs231n's layout (C*kH*kW, N*L), every sample's columns side by side.

Deserves: hint cs231n_layout.
"""

import numpy as np


def im2col(x, kernel_size, stride=1, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho, wo = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    cols = np.zeros((C * kh * kw, ho * wo * N))
    for oh in range(ho):
        for ow in range(wo):
            patch = xp[:, :, oh * sh : oh * sh + kh, ow * sw : ow * sw + kw].reshape(N, -1)
            for n in range(N):
                cols[:, (oh * wo + ow) * N + n] = patch[n]
    return cols
