"""Wrong conv2d: int-only arguments (the first value of a pair) and the input copied into a zero
buffer with xp[:, :, p:-p, p:-p] = x, which is empty when p = 0: the unpadded cases crash.

Deserves: hint empty_slice_zero_padding.
Feedback: x[p:-p] is empty when p = 0
"""

import numpy as np


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    s = stride if isinstance(stride, int) else stride[0]
    p = padding if isinstance(padding, int) else padding[0]
    N, C, H, W = x.shape
    F, Cg, kh, kw = weight.shape
    xp = np.zeros((N, C, H + 2 * p, W + 2 * p))
    xp[:, :, p:-p, p:-p] = x
    Ho = (H + 2 * p - kh) // s + 1
    Wo = (W + 2 * p - kw) // s + 1
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = np.einsum(
                "nchw,fchw->nf", xp[:, :, i * s : i * s + kh, j * s : j * s + kw], weight
            )
    if bias is not None:
        out += bias[None, :, None, None]
    return out
