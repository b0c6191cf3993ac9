"""Wrong max_pool2d_backward: assigns (=) instead of accumulating (+=), so overlapping windows overwrite each other; and on ties it keeps the first maximum only via a cumulative mask.

Deserves: hint fails_with_overlap.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0):
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(padding)
    sh, sw = _pair(kernel_size if stride is None else stride)
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape, dtype=np.float64)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            flat = window.reshape(n, c, -1)
            mask = (np.arange(kh * kw) == flat.argmax(axis=2)[..., None]).reshape(window.shape)
            dxp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] = (
                mask * dout[:, :, i, j][:, :, None, None]
            )
    return dxp[:, :, ph : ph + h, pw : pw + w]
