"""lstm_cell with torch tensors in float32 (torch.sigmoid, chunk); returns tensors.

Deserves: full marks.
"""

import torch


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    x, h, c, w_ih, w_hh, b_ih, b_hh = (
        torch.as_tensor(a, dtype=torch.float32) for a in (x, h, c, w_ih, w_hh, b_ih, b_hh)
    )
    gates = torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t())
    i, f, g, o = gates.chunk(4, dim=1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_next), c_next
