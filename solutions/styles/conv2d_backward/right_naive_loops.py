"""conv2d_backward the cs231n way: pad, loop over every output position, accumulate, crop dx.

Deserves: full marks.
"""

import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    if isinstance(stride, int):
        stride = (stride, stride)
    if isinstance(padding, int):
        padding = (padding, padding)
    N, C, H, W = x.shape
    F, _, HH, WW = weight.shape
    _, _, H_out, W_out = dout.shape
    ph, pw = padding
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    dx_pad = np.zeros_like(x_pad, dtype=np.float64)
    dw = np.zeros_like(weight, dtype=np.float64)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride[0], j * stride[1]
                    window = x_pad[n, :, hs : hs + HH, ws : ws + WW]
                    dw[f] += window * dout[n, f, i, j]
                    dx_pad[n, :, hs : hs + HH, ws : ws + WW] += weight[f] * dout[n, f, i, j]
    dx = dx_pad[:, :, ph : ph + H, pw : pw + W]
    return dx, dw, db
