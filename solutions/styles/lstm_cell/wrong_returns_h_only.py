"""Wrong lstm_cell: returns h_next only (forgets the cell state).

Deserves: status invalid_output.
Feedback: expected a tuple of 2 arrays
"""

import numpy as np


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=1)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next)
