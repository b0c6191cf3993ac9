"""Wrong corr2d: flips the kernel, i.e. computes a true convolution.

Deserves: hint flipped_kernel.
"""

import numpy as np


def corr2d(X, K):
    h, w = K.shape
    K = np.flip(K)  # BUG: cross-correlation does not flip
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
