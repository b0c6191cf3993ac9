"""conv2d with plain Python loops over every index (the way the lecture's pseudo-code reads).

Deserves: full marks.
"""

import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    if isinstance(stride, int):
        stride = (stride, stride)
    if isinstance(padding, int):
        padding = (padding, padding)
    if isinstance(dilation, int):
        dilation = (dilation, dilation)
    N, C, H, W = x.shape
    F, Cg, HH, WW = weight.shape
    H_out = (H + 2 * padding[0] - dilation[0] * (HH - 1) - 1) // stride[0] + 1
    W_out = (W + 2 * padding[1] - dilation[1] * (WW - 1) - 1) // stride[1] + 1
    xp = np.zeros((N, C, H + 2 * padding[0], W + 2 * padding[1]))
    xp[:, :, padding[0] : padding[0] + H, padding[1] : padding[1] + W] = x
    out = np.zeros((N, F, H_out, W_out))
    f_per_group = F // groups
    for n in range(N):
        for f in range(F):
            g = f // f_per_group
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0
                    for c in range(Cg):
                        for a in range(HH):
                            for b in range(WW):
                                r = i * stride[0] + a * dilation[0]
                                s = j * stride[1] + b * dilation[1]
                                total += xp[n, g * Cg + c, r, s] * weight[f, c, a, b]
                    if bias is not None:
                        total += bias[f]
                    out[n, f, i, j] = total
    return out
