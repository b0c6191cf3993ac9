"""Wrong conv_transpose2d: implemented as an ordinary (forward) strided convolution with the kernel's
channel axes swapped, so it shrinks the input instead of growing it.

Deserves: hint forward_convolution.
"""

import numpy as np


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    k = weight.transpose(1, 0, 2, 3)  # (C_out, C_in, kh, kw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    co, ci, kh, kw = k.shape
    ho = (xp.shape[2] - kh) // sh + 1
    wo = (xp.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], co, ho, wo))
    for i in range(ho):
        for j in range(wo):
            win = xp[:, :ci, i * sh : i * sh + kh, j * sw : j * sw + kw]
            out[:, :, i, j] = np.einsum("nckl,ockl->no", win, k)
    if bias is not None:
        out += bias[None, :, None, None]
    return out
