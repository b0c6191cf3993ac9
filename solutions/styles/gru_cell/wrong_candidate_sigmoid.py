"""Wrong gru_cell: the candidate uses sigmoid instead of tanh.

Deserves: hint candidate_sigmoid.
"""

import numpy as np


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    sig = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    x_r, x_z, x_n = np.split(x @ w_ih.T + b_ih, 3, axis=1)
    h_r, h_z, h_n = np.split(h @ w_hh.T + b_hh, 3, axis=1)
    r, z = sig(x_r + h_r), sig(x_z + h_z)
    return (1 - z) * sig(x_n + r * h_n) + z * h
