"""Wrong lstm_cell: reads the chunks as (f, i, g, o), the forget gate first.

Deserves: hint gate_order_figo.
"""

import numpy as np


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    f, i, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=1)
    c_next = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_next), c_next
