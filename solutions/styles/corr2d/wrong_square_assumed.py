"""Wrong corr2d: assumes square inputs and kernels (uses shape[0] for both sides).

Deserves: hint fails_with_non_square.
"""

import numpy as np


def corr2d(X, K):
    n, k = X.shape[0], K.shape[0]
    Y = np.zeros((n - k + 1, n - k + 1))
    for i in range(n - k + 1):
        for j in range(n - k + 1):
            Y[i, j] = np.sum(X[i : i + k, j : j + k] * K[:k, :k])
    return Y
