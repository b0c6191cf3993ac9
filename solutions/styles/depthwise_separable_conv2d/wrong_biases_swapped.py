"""Wrong depthwise_separable_conv2d: adds the pointwise bias after the depthwise step and the
depthwise bias at the end (the two biases swapped).

Deserves: status exception (the shapes do not broadcast unless C_in*m equals C_out).
"""

import numpy as np


def depthwise_separable_conv2d(
    x,
    depthwise_weight,
    pointwise_weight,
    depthwise_bias=None,
    pointwise_bias=None,
    stride=1,
    padding=0,
):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    m = depthwise_weight.shape[0] // x.shape[1]
    xp = np.pad(np.repeat(x, m, axis=1), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = depthwise_weight.shape[2:]
    ho, wo = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    mid = np.zeros((x.shape[0], xp.shape[1], ho, wo))
    for i in range(ho):
        for j in range(wo):
            mid[:, :, i, j] = (
                xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] * depthwise_weight[:, 0]
            ).sum(axis=(2, 3))
    if pointwise_bias is not None:
        mid += pointwise_bias[:, None, None]
    out = np.einsum("nchw,oc->nohw", mid, pointwise_weight[:, :, 0, 0])
    return out if depthwise_bias is None else out + depthwise_bias[:, None, None]
