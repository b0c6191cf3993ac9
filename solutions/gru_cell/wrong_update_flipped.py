"""Wrong gru_cell: h_next = Z * N + (1 - Z) * h (update gate roles swapped).

Deserves: hint update_gate_flipped.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    x_r, x_z, x_n = np.split(x @ w_ih.T + b_ih, 3, axis=1)
    h_r, h_z, h_n = np.split(h @ w_hh.T + b_hh, 3, axis=1)
    R = sigmoid(x_r + h_r)
    Z = sigmoid(x_z + h_z)
    N = np.tanh(x_n + R * h_n)
    return Z * N + (1 - Z) * h
