"""Wrong gru_cell: b_hn added outside the reset gate, N = tanh(x_n + R * (h W_hn^T) + b_hn).

Deserves: hint b_hn_outside_reset.
"""

import numpy as np


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[1]
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    gi = x @ w_ih.T + b_ih
    hh = h @ w_hh.T
    r = sig(gi[:, :H] + hh[:, :H] + b_hh[:H])
    z = sig(gi[:, H : 2 * H] + hh[:, H : 2 * H] + b_hh[H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * hh[:, 2 * H :] + b_hh[2 * H :])
    return (1 - z) * n + z * h
