"""A buggy conv2d submission: forgets the bias (the grader should say so and shrink to a 1x1 case)."""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c_in, h, w = x.shape
    c_out, cg, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c_out, h_out, w_out))
    og = c_out // groups
    for g in range(groups):
        for i in range(h_out):
            for j in range(w_out):
                win = xp[
                    :,
                    g * cg : (g + 1) * cg,
                    i * sh : i * sh + dh * (kh - 1) + 1 : dh,
                    j * sw : j * sw + dw * (kw - 1) + 1 : dw,
                ]
                out[:, g * og : (g + 1) * og, i, j] = np.einsum(
                    "nckl,ockl->no", win, weight[g * og : (g + 1) * og]
                )
    # BUG: the bias is never added
    return out
