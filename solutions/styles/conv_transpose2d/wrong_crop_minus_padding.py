"""Wrong conv_transpose2d: scatters into the full output, then crops it with y[:, :, ph:-ph, pw:-pw],
which is empty when the padding is 0 (-0 == 0): every unpadded case returns an empty array.

Deserves: hint empty_slice_zero_padding.
Feedback: x[p:-p] is empty when p = 0
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    (sh, sw), (ph, pw), (oh, ow), (dh, dw) = map(_pair, (stride, padding, output_padding, dilation))
    n, c_in, h, w = x.shape
    _, c_out_g, kh, kw = weight.shape
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oh
    full_w = (w - 1) * sw + dw * (kw - 1) + 1 + ow
    y = np.zeros((n, c_out_g * groups, full_h, full_w))
    c_in_g = c_in // groups
    for g in range(groups):
        xs = x[:, g * c_in_g : (g + 1) * c_in_g]
        ws = weight[g * c_in_g : (g + 1) * c_in_g]
        out = slice(g * c_out_g, (g + 1) * c_out_g)
        for i in range(h):
            for j in range(w):
                stamp = np.einsum("nc,cokl->nokl", xs[:, :, i, j], ws)
                y[
                    :,
                    out,
                    i * sh : i * sh + dh * (kh - 1) + 1 : dh,
                    j * sw : j * sw + dw * (kw - 1) + 1 : dw,
                ] += stamp
    y = y[:, :, ph:-ph, pw:-pw]
    if bias is not None:
        y = y + bias[None, :, None, None]
    return y
