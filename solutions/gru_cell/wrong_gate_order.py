"""Wrong gru_cell: reads the chunks in the order z, r, n.

Deserves: hint gate_order_zrn.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    x_z, x_r, x_n = np.split(x @ w_ih.T + b_ih, 3, axis=1)
    h_z, h_r, h_n = np.split(h @ w_hh.T + b_hh, 3, axis=1)
    R = sigmoid(x_r + h_r)
    Z = sigmoid(x_z + h_z)
    N = np.tanh(x_n + R * h_n)
    return (1 - Z) * N + Z * h
