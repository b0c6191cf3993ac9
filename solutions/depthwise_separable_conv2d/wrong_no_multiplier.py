"""Wrong depthwise_separable_conv2d: assumes a depth multiplier of 1 (output channel j reads input channel j).

Deserves: hint fails_with_multiplier (an IndexError when the multiplier is 2).
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _depthwise(x, weight, bias, stride, padding):
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)
    n, c, h, w = x.shape
    m = weight.shape[0] // c
    kh, kw = weight.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    h_out, w_out = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    out = np.zeros((n, c * m, h_out, w_out))
    for j in range(c * m):
        k = weight[j, 0]
        for i in range(h_out):
            for l in range(w_out):  # noqa: E741
                out[:, j, i, l] = (xp[:, j, i * sh : i * sh + kh, l * sw : l * sw + kw] * k).sum(
                    axis=(1, 2)
                )
    if bias is not None:
        out += bias[None, :, None, None]
    return out


def depthwise_separable_conv2d(
    x,
    depthwise_weight,
    pointwise_weight,
    depthwise_bias=None,
    pointwise_bias=None,
    stride=1,
    padding=0,
):
    y = _depthwise(x, depthwise_weight, depthwise_bias, stride, padding)
    out = np.einsum("oc,nchw->nohw", pointwise_weight[:, :, 0, 0], y)
    if pointwise_bias is not None:
        out += pointwise_bias[None, :, None, None]
    return out
