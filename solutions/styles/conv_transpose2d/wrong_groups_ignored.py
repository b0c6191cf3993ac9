"""Wrong conv_transpose2d: ignores groups (C_out = weight.shape[1], every input channel feeds it).

Deserves: hint fails_with_groups.
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
    _, cout, kh, kw = weight.shape
    H = (h - 1) * sh + dh * (kh - 1) + 1 + oph
    W = (w - 1) * sw + dw * (kw - 1) + 1 + opw
    y = np.zeros((n, cout, H, W))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for b in range(kw):
                    y[:, :, i * sh + a * dh, j * sw + b * dw] += x[:, :, i, j] @ weight[:, :, a, b]
    y = y[:, :, ph : H - ph, pw : W - pw]
    if bias is not None:
        y = y + bias[:cout, None, None]
    return y
