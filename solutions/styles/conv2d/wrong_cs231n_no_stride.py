"""Wrong conv2d, CS231n style: conv_param = {'stride': ..., 'pad': ...} read as ints, and the window
index forgets the stride (xp[n, :, i:i + HH, ...] instead of i * stride); dilation and groups ignored.

Deserves: hint fails_with_stride.
Feedback: fails with stride > 1
Feedback: may be an (H, W) pair
"""

import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), "constant")
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i : i + HH, j : j + WW] * w[f]) + b[f]
    return out


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if bias is None:
        bias = np.zeros(weight.shape[0])
    return conv_forward_naive(x, weight, bias, {"stride": stride, "pad": padding})
