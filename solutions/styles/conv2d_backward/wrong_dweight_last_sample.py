"""Wrong conv2d_backward: dweight is reassigned per sample (=) instead of summed over the batch (+=).

Deserves: hint fails_with_batch.
"""

import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    f, c, kh, kw = weight.shape
    ho, wo = dout.shape[2:]
    dxp = np.zeros_like(xp, dtype=np.float64)
    for n in range(x.shape[0]):
        dweight = np.zeros(weight.shape)
        for i in range(ho):
            for j in range(wo):
                patch = xp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
                dweight += dout[n, :, i, j][:, None, None, None] * patch[None]
                dxp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw] += np.tensordot(
                    dout[n, :, i, j], weight, axes=1
                )
    dx = dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
    return dx, dweight, dout.sum(axis=(0, 2, 3))
