"""Wrong gru_cell: d2l's equations, the reset gate applied to h BEFORE the product with W_hn.

Deserves: hint reset_before_matmul.
"""

import numpy as np


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    H = h.shape[1]
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    W_xr, W_xz, W_xh = np.split(w_ih, 3)
    W_hr, W_hz, W_hh = np.split(w_hh, 3)
    R = sig(x @ W_xr.T + h @ W_hr.T + b_ih[:H] + b_hh[:H])
    Z = sig(x @ W_xz.T + h @ W_hz.T + b_ih[H : 2 * H] + b_hh[H : 2 * H])
    H_tilde = np.tanh(x @ W_xh.T + (R * h) @ W_hh.T + b_ih[2 * H :] + b_hh[2 * H :])
    return Z * h + (1 - Z) * H_tilde
