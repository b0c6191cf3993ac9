"""conv_transpose2d as d2l's trans_conv generalized: scatter x * K into the output, then crop.

Deserves: full marks.
"""

import numpy as np


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    oph, opw = pair(output_padding)
    dh, dw = pair(dilation)
    N, C_in, H, W = x.shape
    _, C_out_g, kh, kw = weight.shape
    C_out = C_out_g * groups
    c_in_g = C_in // groups
    full_h = (H - 1) * sh + dh * (kh - 1) + 1 + oph
    full_w = (W - 1) * sw + dw * (kw - 1) + 1 + opw
    Y = np.zeros((N, C_out, full_h, full_w))
    for n in range(N):
        for c in range(C_in):
            g = c // c_in_g
            for i in range(H):
                for j in range(W):
                    for a in range(kh):
                        for b in range(kw):
                            Y[
                                n, g * C_out_g : (g + 1) * C_out_g, i * sh + a * dh, j * sw + b * dw
                            ] += x[n, c, i, j] * weight[c, :, a, b]
    Y = Y[:, :, ph : full_h - ph, pw : full_w - pw]
    if bias is not None:
        Y = Y + bias.reshape(1, -1, 1, 1)
    return Y
