"""Wrong lstm_cell: adds b_ih only (the Keras/d2l single-bias habit).

Deserves: hint missing_b_hh.
"""

import numpy as np


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, g, o = np.split(x @ w_ih.T + h @ w_hh.T + b_ih, 4, axis=1)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next
