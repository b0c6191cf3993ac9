"""Wrong conv_transpose2d: never crops the padding.

Deserves: hint padding_not_cropped.
"""

import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    (sh, sw), (ph, pw) = _pair(stride), _pair(padding)  # noqa: F841
    (oph, opw), (dh, dw) = _pair(output_padding), _pair(dilation)
    n, c_in, h, w = x.shape
    _, out_per_group, kh, kw = weight.shape
    in_per_group = c_in // groups
    full_h = (h - 1) * sh + dh * (kh - 1) + 1 + oph
    full_w = (w - 1) * sw + dw * (kw - 1) + 1 + opw
    full = np.zeros((n, out_per_group * groups, full_h, full_w))
    for c in range(c_in):
        g = c // in_per_group
        for a in range(kh):
            for b in range(kw):
                # x[:, c] (H, W) times one tap, landing on a strided grid shifted by the tap offset
                contrib = (
                    x[:, c, :, :, None] * weight[c, None, None, None, :, a, b]
                )  # (N, H, W, C_out_g)
                rows = slice(a * dh, a * dh + (h - 1) * sh + 1, sh)
                cols = slice(b * dw, b * dw + (w - 1) * sw + 1, sw)
                full[:, g * out_per_group : (g + 1) * out_per_group, rows, cols] += (
                    contrib.transpose(0, 3, 1, 2)
                )
    out = full  # BUG: padding not cropped
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
