"""My corr2d: I flip the kernel first, as in the convolution formula."""

import numpy as np


def corr2d(X, K):
    h, w = K.shape
    K = np.flip(K)
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
