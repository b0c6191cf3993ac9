"""Wrong conv_transpose2d: ignores dilation (taps land next to each other).

Deserves: hint fails_with_dilation.
"""

import numpy as np


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    (sh, sw), (ph, pw), (oph, opw) = pair(stride), pair(padding), pair(output_padding)
    n, cin, h, w = x.shape
    _, cog, kh, kw = weight.shape
    cig = cin // groups
    H = (h - 1) * sh + kh + oph
    W = (w - 1) * sw + kw + opw
    y = np.zeros((n, cog * groups, H, W))
    for g in range(groups):
        xs = x[:, g * cig : (g + 1) * cig]
        ws = weight[g * cig : (g + 1) * cig]
        for i in range(h):
            for j in range(w):
                y[:, g * cog : (g + 1) * cog, i * sh : i * sh + kh, j * sw : j * sw + kw] += (
                    np.einsum("nc,cokl->nokl", xs[:, :, i, j], ws)
                )
    y = y[:, :, ph : H - ph, pw : W - pw]
    return y if bias is None else y + bias[:, None, None]
