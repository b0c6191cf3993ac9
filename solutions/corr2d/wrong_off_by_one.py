"""Wrong corr2d: the output size misses the "+ 1" (h - kh instead of h - kh + 1).

Deserves: status shape.
"""

import numpy as np


def corr2d(X, K):
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h, X.shape[1] - w))  # BUG: off by one
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
