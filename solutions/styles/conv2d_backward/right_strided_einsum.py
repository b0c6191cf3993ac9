"""conv2d_backward vectorized: dweight by einsum over strided windows; dx scattered per kernel tap.

Deserves: full marks.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _pair(v):
    return (v, v) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))))
    n, c, hp, wp = xp.shape
    f, _, kh, kw = weight.shape
    ho, wo = dout.shape[2:]
    s = xp.strides
    win = as_strided(xp, (n, c, ho, wo, kh, kw), (s[0], s[1], s[2] * sh, s[3] * sw, s[2], s[3]))
    dweight = np.einsum("nfhw,nchwkl->fckl", dout, win)
    dbias = dout.sum(axis=(0, 2, 3))
    dxp = np.zeros(xp.shape)
    for a in range(kh):
        for b in range(kw):
            contrib = np.einsum("nfhw,fc->nchw", dout, weight[:, :, a, b])
            dxp[:, :, a : a + sh * (ho - 1) + 1 : sh, b : b + sw * (wo - 1) + 1 : sw] += contrib
    return dxp[:, :, ph : hp - ph, pw : wp - pw], dweight, dbias
