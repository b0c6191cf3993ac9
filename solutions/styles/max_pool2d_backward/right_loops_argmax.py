"""max_pool2d_backward with loops: np.argmax (first maximum) per window, unravel, accumulate.

Deserves: full marks.
"""

import numpy as np


def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (
        (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    )
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape)
    Ho, Wo = dout.shape[2:]
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dxp[:, :, ph : ph + H, pw : pw + W]
