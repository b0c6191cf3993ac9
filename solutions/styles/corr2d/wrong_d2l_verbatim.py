"""Wrong corr2d: d2l's code copied verbatim, writing NumPy scalars into a torch tensor (the inputs are
NumPy arrays here), which torch refuses.

Deserves: hint numpy_into_tensor.
"""

import torch


def corr2d(X, K):
    """Compute 2D cross-correlation."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
