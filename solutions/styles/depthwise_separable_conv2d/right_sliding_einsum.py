"""depthwise_separable_conv2d vectorized: np.repeat the channels by the multiplier, sliding windows,
einsum; float32.

Deserves: full marks.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def depthwise_separable_conv2d(
    x,
    depthwise_weight,
    pointwise_weight,
    depthwise_bias=None,
    pointwise_bias=None,
    stride=1,
    padding=0,
):
    s = np.broadcast_to(stride, 2)
    p = np.broadcast_to(padding, 2)
    m = depthwise_weight.shape[0] // x.shape[1]
    xr = np.repeat(x.astype(np.float32), m, axis=1)  # channel j = input channel j // m
    xr = np.pad(xr, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    win = sliding_window_view(xr, depthwise_weight.shape[2:], axis=(2, 3))[:, :, :: s[0], :: s[1]]
    mid = np.einsum("nchwij,cij->nchw", win, depthwise_weight[:, 0])
    if depthwise_bias is not None:
        mid = mid + depthwise_bias[:, None, None]
    out = np.einsum("nchw,oc->nohw", mid, pointwise_weight.reshape(pointwise_weight.shape[0], -1))
    if pointwise_bias is not None:
        out = out + pointwise_bias[:, None, None]
    return out
