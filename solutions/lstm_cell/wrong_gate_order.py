"""Wrong lstm_cell: reads the gates in d2l's parameter order i, f, o, g.

Deserves: hint gate_order_ifog.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, o, g = np.split(gates, 4, axis=1)
    I, F, G, O = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)  # noqa: E741
    c_next = F * c + I * G
    h_next = O * np.tanh(c_next)
    return h_next, c_next
