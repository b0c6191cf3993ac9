"""Wrong max_pool2d_backward: pads x with zeros, so a window of negatives sends its gradient into
the padding (lost) instead of to its real maximum.

Deserves: hint zero_padding_max.
"""

import numpy as np


def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (
        (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    )
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros(xp.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            flat = win.reshape(win.shape[0], win.shape[1], -1).argmax(axis=-1)
            a, b = np.unravel_index(flat, (kh, kw))
            for n in range(x.shape[0]):
                for c in range(x.shape[1]):
                    dxp[n, c, i * sh + a[n, c], j * sw + b[n, c]] += dout[n, c, i, j]
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
