"""im2col on torch tensors by slicing each kernel tap (no unfold), returns a tensor.

Deserves: full marks.
"""

import torch


def im2col(x, kernel_size, stride=1, padding=0):
    x = torch.as_tensor(x)
    kh, kw = kernel_size if isinstance(kernel_size, tuple) else (kernel_size,) * 2
    sh, sw = stride if isinstance(stride, tuple) else (stride,) * 2
    ph, pw = padding if isinstance(padding, tuple) else (padding,) * 2
    xp = torch.zeros(x.shape[0], x.shape[1], x.shape[2] + 2 * ph, x.shape[3] + 2 * pw)
    xp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]] = x
    ho = (xp.shape[2] - kh) // sh + 1
    wo = (xp.shape[3] - kw) // sw + 1
    taps = [
        xp[:, :, a : a + sh * (ho - 1) + 1 : sh, b : b + sw * (wo - 1) + 1 : sw]
        for a in range(kh)
        for b in range(kw)
    ]
    cols = torch.stack(taps, dim=2)  # (N, C, kh*kw, ho, wo)
    return cols.reshape(x.shape[0], -1, ho * wo)
