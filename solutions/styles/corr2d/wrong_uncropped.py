"""Wrong corr2d: allocates Y like X (np.zeros_like) and never crops it to (h - kh + 1, w - kw + 1).

Deserves: status shape.
Feedback: expected shape (2, 2), got (3, 3)
"""

import numpy as np


def corr2d(X, K):
    kh, kw = K.shape
    Y = np.zeros_like(X)
    for i in range(X.shape[0] - kh + 1):
        for j in range(X.shape[1] - kw + 1):
            Y[i, j] = (X[i : i + kh, j : j + kw] * K).sum()
    return Y
