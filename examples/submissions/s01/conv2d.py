"""A correct conv2d submission (the demo's good student)."""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c_in, h, w = x.shape
    c_out, c_per_group, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c_out, h_out, w_out), dtype=np.float64)
    out_per_group = c_out // groups
    for g in range(groups):
        xs = xp[:, g * c_per_group : (g + 1) * c_per_group]
        ws = weight[g * out_per_group : (g + 1) * out_per_group]
        for i in range(h_out):
            for j in range(w_out):
                rows = i * sh + dh * np.arange(kh)
                cols = j * sw + dw * np.arange(kw)
                window = xs[:, :, rows[:, None], cols[None, :]]  # (N, C_g, kh, kw)
                out[:, g * out_per_group : (g + 1) * out_per_group, i, j] = np.einsum(
                    "nckl,ockl->no", window, ws
                )
    if bias is not None:
        out += bias[None, :, None, None]
    return out
