"""Wrong conv_transpose2d: puts the output_padding rows/cols at the top/left (crops p + op there).

Deserves: hint fails_with_output_padding.
"""

import numpy as np


def conv_transpose2d(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = map(
        pair, (stride, padding, output_padding, dilation)
    )
    n, cin, h, w = x.shape
    _, cog, kh, kw = weight.shape
    cig = cin // groups
    H = (h - 1) * sh + dh * (kh - 1) + 1
    W = (w - 1) * sw + dw * (kw - 1) + 1
    y = np.zeros((n, cog * groups, H + 2 * oph, W + 2 * opw))
    for g in range(groups):
        for i in range(h):
            for j in range(w):
                for a in range(kh):
                    for b in range(kw):
                        y[
                            :, g * cog : (g + 1) * cog, oph + i * sh + a * dh, opw + j * sw + b * dw
                        ] += (
                            x[:, g * cig : (g + 1) * cig, i, j]
                            @ weight[g * cig : (g + 1) * cig, :, a, b]
                        )
    y = y[:, :, ph : ph + H - 2 * ph + oph, pw : pw + W - 2 * pw + opw]
    return y if bias is None else y + bias[:, None, None]
