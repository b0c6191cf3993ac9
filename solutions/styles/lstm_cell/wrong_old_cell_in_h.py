"""Wrong lstm_cell: h_next uses the OLD cell state, O * tanh(c) instead of O * tanh(c_next).

Deserves: hint h_uses_old_cell.
"""

import numpy as np


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=1)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    h_next = sig(o) * np.tanh(c)
    return h_next, c_next
