"""Wrong corr2d: allocates the output as (W_out, H_out) and indexes it [j, i].

Deserves: hint transposed.
"""

import numpy as np


def corr2d(X, K):
    h, w = K.shape
    Y = np.zeros((X.shape[1] - w + 1, X.shape[0] - h + 1))  # BUG: swapped dims
    for i in range(Y.shape[1]):
        for j in range(Y.shape[0]):
            Y[j, i] = (X[i : i + h, j : j + w] * K).sum()
    return Y
