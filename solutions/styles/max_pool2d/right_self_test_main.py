"""max_pool2d whose file also checks itself against F.max_pool2d and torch.nn.MaxPool2d under
`if "__main__" == __name__:`; masks with np.where instead of padding with -inf.

Deserves: full marks.
"""

import numpy as np


def max_pool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride,) * 2 if isinstance(stride, int) else stride)
    ph, pw = (padding,) * 2 if isinstance(padding, int) else padding
    n, c, h, w = x.shape
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    out = np.empty((n, c, ho, wo), dtype=x.dtype)
    for i in range(ho):
        r0, r1 = max(i * sh - ph, 0), min(i * sh - ph + kh, h)
        for j in range(wo):
            c0, c1 = max(j * sw - pw, 0), min(j * sw - pw + kw, w)
            out[:, :, i, j] = x[:, :, r0:r1, c0:c1].max(axis=(2, 3))
    return out


if "__main__" == __name__:
    import torch

    x = np.random.randn(2, 3, 7, 8).astype(np.float32)
    print(
        np.allclose(
            max_pool2d(x, 3, 2, 1),
            torch.nn.functional.max_pool2d(torch.from_numpy(x), 3, 2, 1).numpy(),
        )
    )
    print(torch.nn.MaxPool2d(2)(torch.from_numpy(x)).shape, max_pool2d(x, 2).shape)
