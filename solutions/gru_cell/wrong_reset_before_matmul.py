"""Wrong gru_cell: d2l's slide form, reset applied to h before the matrix product.

Deserves: hint reset_before_matmul.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    x_r, x_z, x_n = np.split(x @ w_ih.T + b_ih, 3, axis=1)
    h_r, h_z, _ = np.split(h @ w_hh.T + b_hh, 3, axis=1)
    w_hn, b_hn = w_hh[2 * h.shape[1] :], b_hh[2 * h.shape[1] :]
    R = sigmoid(x_r + h_r)
    Z = sigmoid(x_z + h_z)
    N = np.tanh(x_n + (R * h) @ w_hn.T + b_hn)
    return (1 - Z) * N + Z * h
