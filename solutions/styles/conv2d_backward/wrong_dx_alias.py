"""Wrong conv2d_backward: `dx = x` then `dx[...] = 0` (meant as a same-shaped zero array) wipes x.

Deserves: status mutated_input.
Feedback: modified its input x in place
"""

import numpy as np


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    f, c, kh, kw = weight.shape
    ho, wo = dout.shape[2:]
    dxp = np.zeros(xp.shape)
    dweight = np.zeros(weight.shape)
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            dweight += np.einsum("nf,nckl->fckl", dout[:, :, i, j], patch)
            dxp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] += np.einsum(
                "nf,fckl->nckl", dout[:, :, i, j], weight
            )
    dx = x
    dx[...] = 0
    dx += dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
    return dx, dweight, dout.sum(axis=(0, 2, 3))
