"""Wrong conv2d_backward: dx from a full convolution with the kernel not rotated by 180 degrees.

Deserves: hint dx_kernel_not_rotated.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(np.float64)
    dxp = np.zeros_like(xp)
    dweight = np.zeros(weight.shape, dtype=np.float64)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            g = dout[:, :, i, j]  # (N, C_out)
            dweight += np.einsum("no,nckl->ockl", g, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("no,ockl->nckl", g, weight[:, :, ::-1, ::-1])  # BUG
    dx = dxp[:, :, ph : ph + h, pw : pw + w]
    dbias = dout.sum(axis=(0, 2, 3))
    return dx, dweight, dbias
