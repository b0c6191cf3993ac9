"""conv2d_backward in float16: right method (a full correlation of the dilated dout with the rotated
kernel), but computed in float16, so every value is off by ~1e-3 (padding or not).

Deserves: hint low_precision.
Feedback: float16
"""

import numpy as np


def _as2(v):
    return tuple(v) if isinstance(v, tuple) else (v, v)


def _correlate(a, k):
    """Valid 2-D cross-correlation of a (N, C, H, W) with k (F, C, kh, kw) -> (N, F, ...)."""
    kh, kw = k.shape[2:]
    oh, ow = a.shape[2] - kh + 1, a.shape[3] - kw + 1
    out = np.zeros((a.shape[0], k.shape[0], oh, ow), dtype=np.float16)
    for p in range(kh):
        for q in range(kw):
            out += np.einsum("nchw,fc->nfhw", a[:, :, p : p + oh, q : q + ow], k[:, :, p, q])
    return out


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    (sh, sw), (ph, pw) = _as2(stride), _as2(padding)
    dout = dout.astype(np.float16)
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    ho, wo = dout.shape[2:]
    # dout spread out by the stride, in a grid as large as the padded input's reachable part
    hp, wp = h + 2 * ph, w + 2 * pw
    spread = np.zeros((n, f, hp - kh + 1, wp - kw + 1), dtype=np.float16)
    spread[:, :, : sh * (ho - 1) + 1 : sh, : sw * (wo - 1) + 1 : sw] = dout
    full = np.pad(spread, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    rotated = weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C, F, kh, kw)
    dxp = _correlate(full, rotated)
    dx = dxp[:, :, ph : ph + h, pw : pw + w]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))).astype(np.float16)
    dweight = _correlate(xp.transpose(1, 0, 2, 3), spread.transpose(1, 0, 2, 3)).transpose(
        1, 0, 2, 3
    )
    return dx, dweight, dout.sum(axis=(0, 2, 3))
