"""Wrong conv2d: steps the window by the stride over the input, but writes the result at the input
position (out[i] instead of out[i // s]) into a stride-1-sized output.

Deserves: hint fails_with_stride.
"""

import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, h, w = xp.shape
    co, cg, kh, kw = weight.shape
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    out = np.zeros((n, co, h - span_h + 1, w - span_w + 1))
    og = co // groups
    for g in range(groups):
        for i in range(0, h - span_h + 1, sh):
            for j in range(0, w - span_w + 1, sw):
                win = xp[:, g * cg : (g + 1) * cg, i : i + span_h : dh, j : j + span_w : dw]
                out[:, g * og : (g + 1) * og, i, j] = np.einsum(
                    "nchw,ochw->no", win, weight[g * og : (g + 1) * og]
                )
    if bias is not None:
        out += bias[None, :, None, None]
    return out
