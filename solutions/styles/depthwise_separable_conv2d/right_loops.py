"""depthwise_separable_conv2d with loops: depthwise (channel j reads channel j // m), then 1x1.

Deserves: full marks.
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
    N, C, H, W = x.shape
    M, _, kh, kw = depthwise_weight.shape
    m = M // C
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho = (H + 2 * ph - kh) // sh + 1
    Wo = (W + 2 * pw - kw) // sw + 1
    mid = np.zeros((N, M, Ho, Wo))
    for j in range(M):
        for i in range(Ho):
            for k in range(Wo):
                patch = xp[:, j // m, i * sh : i * sh + kh, k * sw : k * sw + kw]
                mid[:, j, i, k] = np.sum(patch * depthwise_weight[j, 0], axis=(1, 2))
        if depthwise_bias is not None:
            mid[:, j] += depthwise_bias[j]
    out = np.einsum("om,nmhw->nohw", pointwise_weight[:, :, 0, 0], mid)
    if pointwise_bias is not None:
        out += pointwise_bias[None, :, None, None]
    return out
