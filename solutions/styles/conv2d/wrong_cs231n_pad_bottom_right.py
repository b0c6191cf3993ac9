"""Wrong conv2d, CS231n style with int-only stride and pad: the input is copied into the top-left
corner of a zero buffer, so all 2p padding rows/cols end up at the bottom/right.

Deserves: hint one_sided_padding_end.
Feedback: may be an (H, W) pair
"""

import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    N, C, H, W = x.shape
    F, _, HH, WW = weight.shape
    s, p, d = stride, padding, dilation
    xp = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=x.dtype)
    xp[:, :, :H, :W] = x
    H_out = (H + 2 * p - d * (HH - 1) - 1) // s + 1
    W_out = (W + 2 * p - d * (WW - 1) - 1) // s + 1
    out = np.zeros((N, F, H_out, W_out))
    cg, fg = C // groups, F // groups
    for f in range(F):
        g = f // fg
        for i in range(H_out):
            for j in range(W_out):
                win = xp[:, g * cg : (g + 1) * cg, i * s : i * s + d * (HH - 1) + 1 : d,
                         j * s : j * s + d * (WW - 1) + 1 : d]
                out[:, f, i, j] = np.sum(win * weight[f], axis=(1, 2, 3))
    if bias is not None:
        out += bias[None, :, None, None]
    return out
