"""Wrong max_pool2d_backward: unravels the flat argmax with divmod(idx, kH) instead of kW.

Deserves: hint fails_with_uneven.
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
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    win = xp[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    a, b = divmod(int(np.argmax(win)), kh)
                    if i * sh + a < dxp.shape[2] and j * sw + b < dxp.shape[3]:
                        dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
