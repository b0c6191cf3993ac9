"""Recurrent cells (RNN, LSTM, GRU) and their unrolled versions, with torch's weight layout.

Weights are interchangeable with ``torch.nn.RNNCell/LSTMCell/GRUCell`` (and layer 0 of
``torch.nn.RNN/LSTM/GRU``): ``w_ih`` is ``(gates * hidden_size, input_size)``, ``w_hh`` is
``(gates * hidden_size, hidden_size)``, the gate blocks stacked in torch's order — LSTM ``I, F, G, O``,
GRU ``R, Z, N``. Gates are named as in the equations. Inputs are ``(N, input_size)`` (or unbatched
``(input_size,)``); sequences are ``(T, N, input_size)``, time first, as torch's default.
"""

from __future__ import annotations

import torch

from cnngrade.reference._trace import traced


def _check_cell(input, hx, w_ih, w_hh, b_ih, b_hh, gates: int, cell: str):
    """Validate shapes; return ``(input, hx, unbatched)`` with a batch dim added if needed."""
    for name, t in (("input", input), ("hx", hx), ("w_ih", w_ih), ("w_hh", w_hh)):
        if not isinstance(t, torch.Tensor):
            raise ValueError(f"{cell}: {name} must be a torch.Tensor, got {type(t).__name__}")
    if input.dim() not in (1, 2):
        raise ValueError(
            f"{cell}: input has shape {tuple(input.shape)}; expected (N, input_size) or (input_size,)"
        )
    unbatched = input.dim() == 1
    x = input.unsqueeze(0) if unbatched else input
    h = hx.unsqueeze(0) if hx.dim() == 1 else hx
    n, size_in = x.shape
    hidden = h.shape[-1]
    if h.dim() != 2 or h.shape[0] != n:
        raise ValueError(
            f"{cell}: hx has shape {tuple(hx.shape)}; expected (N, hidden_size) with N={n}"
        )
    g = f"{gates}*{hidden}" if gates > 1 else f"{hidden}"
    need = {
        "w_ih": ((gates * hidden, size_in), f"({g}, input_size) = ({gates * hidden}, {size_in})"),
        "w_hh": ((gates * hidden, hidden), f"({g}, hidden_size) = ({gates * hidden}, {hidden})"),
        "b_ih": ((gates * hidden,), f"({g},) = ({gates * hidden},)"),
        "b_hh": ((gates * hidden,), f"({g},) = ({gates * hidden},)"),
    }
    for name, t in (("w_ih", w_ih), ("w_hh", w_hh), ("b_ih", b_ih), ("b_hh", b_hh)):
        if t is not None and tuple(t.shape) != need[name][0]:
            raise ValueError(
                f"{cell}: {name} has shape {tuple(t.shape)}; a cell with hidden size {hidden} and "
                f"input size {size_in} needs {need[name][1]}"
            )
    return x, h, unbatched


def _affine(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
    """``x W^T + b`` (``b`` optional)."""
    out = x @ w.T
    return out if b is None else out + b


@traced("rnn_cell")
def rnn_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity: str = "tanh"):
    """One step of an Elman RNN: ``H = φ(X W_ih^T + b_ih + H_prev W_hh^T + b_hh)``.

    Shape:
        input ``(N, input_size)``, hx ``(N, hidden_size)``; returns ``(N, hidden_size)``.

    Args:
        nonlinearity: ``"tanh"`` (default) or ``"relu"``, as ``torch.nn.RNNCell``.

    >>> rnn_cell(torch.ones(1, 2), torch.zeros(1, 1), torch.ones(1, 2), torch.ones(1, 1), nonlinearity="relu")
    tensor([[2.]])
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    x, h, unbatched = _check_cell(input, hx, w_ih, w_hh, b_ih, b_hh, 1, "rnn_cell")
    pre = _affine(x, w_ih, b_ih) + _affine(h, w_hh, b_hh)
    H = torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)
    return H.squeeze(0) if unbatched else H


@traced("lstm_cell")
def lstm_cell(input, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step with gates I, F, G, O (torch's order in the stacked weights).

    ``I = σ(X W_ii^T + b_ii + H W_hi^T + b_hi)``, ``F = σ(…f…)``, ``G = tanh(…g…)`` (the candidate
    memory, d2l's C̃), ``O = σ(…o…)``; ``C = F ⊙ C_prev + I ⊙ G``; ``H = O ⊙ tanh(C)``.

    Shape:
        input ``(N, input_size)``; hx, cx ``(N, hidden_size)``; w_ih ``(4*hidden, input_size)``;
        w_hh ``(4*hidden, hidden)``; returns ``(H, C)``, each ``(N, hidden_size)``.

    >>> h, c = lstm_cell(torch.zeros(1, 2), torch.zeros(1, 1), torch.ones(1, 1), torch.zeros(4, 2), torch.zeros(4, 1))
    >>> c
    tensor([[0.5000]])
    """
    x, h, unbatched = _check_cell(input, hx, w_ih, w_hh, b_ih, b_hh, 4, "lstm_cell")
    c = cx.unsqueeze(0) if cx.dim() == 1 else cx
    if tuple(c.shape) != tuple(h.shape):
        raise ValueError(
            f"lstm_cell: cx has shape {tuple(cx.shape)}; it must match hx {tuple(hx.shape)}"
        )
    gates = _affine(x, w_ih, b_ih) + _affine(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, dim=1)
    I, F, G, O = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)  # noqa: E741
    C = F * c + I * G
    H = O * torch.tanh(C)
    return (H.squeeze(0), C.squeeze(0)) if unbatched else (H, C)


@traced("gru_cell")
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, convention: str = "torch"):
    """One GRU step with gates R (reset), Z (update) and the candidate N; torch's order R, Z, N.

    ``R = σ(X W_ir^T + b_ir + H W_hr^T + b_hr)``, ``Z = σ(…z…)``, ``H_new = Z ⊙ H + (1 - Z) ⊙ N`` in both
    conventions; they differ only in where the reset gate acts in the candidate:

    - ``convention="torch"`` (``torch.nn.GRUCell``, cuDNN, Cho et al. 2014 as implemented):
      ``N = tanh(X W_in^T + b_in + R ⊙ (H W_hn^T + b_hn))`` — reset applied *after* the matrix product.
    - ``convention="d2l"`` (the course slides, d2l's GRU section): ``H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h)`` —
      reset applied to ``H`` *before* it; here ``N = tanh(X W_in^T + b_in + (R ⊙ H) W_hn^T + b_hn)``,
      so d2l's single bias is ``b_h = b_in + b_hn``.

    The two agree when ``R = 1``; otherwise they are different functions of the same weights.

    Shape:
        input ``(N, input_size)``; hx ``(N, hidden_size)``; w_ih ``(3*hidden, input_size)``;
        w_hh ``(3*hidden, hidden)``; returns ``(N, hidden_size)``.

    >>> gru_cell(torch.zeros(1, 1), torch.ones(1, 1), torch.zeros(3, 1), torch.zeros(3, 1))
    tensor([[0.5000]])
    """
    if convention not in ("torch", "d2l"):
        raise ValueError(f"convention must be 'torch' or 'd2l', got {convention!r}")
    x, h, unbatched = _check_cell(input, hx, w_ih, w_hh, b_ih, b_hh, 3, "gru_cell")
    xr, xz, xn = _affine(x, w_ih, b_ih).chunk(3, dim=1)
    w_hr, w_hz, w_hn = w_hh.chunk(3, dim=0)
    b_hr, b_hz, b_hn = (None, None, None) if b_hh is None else b_hh.chunk(3, dim=0)
    R = torch.sigmoid(xr + _affine(h, w_hr, b_hr))
    Z = torch.sigmoid(xz + _affine(h, w_hz, b_hz))
    if convention == "torch":
        N = torch.tanh(xn + R * _affine(h, w_hn, b_hn))
    else:
        N = torch.tanh(xn + _affine(R * h, w_hn, b_hn))
    H = Z * h + (1 - Z) * N
    return H.squeeze(0) if unbatched else H


def _check_sequence(input: torch.Tensor, op: str) -> tuple[torch.Tensor, bool]:
    if not isinstance(input, torch.Tensor) or input.dim() not in (2, 3):
        shape = tuple(input.shape) if isinstance(input, torch.Tensor) else type(input).__name__
        raise ValueError(
            f"{op}: input has shape {shape}; expected (T, N, input_size) or (T, input_size)"
        )
    return (input.unsqueeze(1), True) if input.dim() == 2 else (input, False)


def _initial(state, x: torch.Tensor, hidden: int) -> torch.Tensor:
    """The initial state, zeros if none; a leading num_layers=1 dim (torch's layout) is accepted."""
    if state is None:
        return x.new_zeros((x.shape[1], hidden))
    return state[0] if state.dim() == 3 else (state.unsqueeze(0) if state.dim() == 1 else state)


def _finish(outputs: list[torch.Tensor], unbatched: bool) -> torch.Tensor:
    out = torch.stack(outputs)
    return out.squeeze(1) if unbatched else out


@traced("rnn")
def rnn(input, h0, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity: str = "tanh"):
    """Unrolled one-layer RNN over a sequence: :func:`rnn_cell` at every time step.

    Shape:
        input ``(T, N, input_size)``; h0 ``(N, hidden)`` or ``None`` (zeros); returns
        ``(output (T, N, hidden), h_T (N, hidden))`` (torch's ``nn.RNN`` adds a num_layers dim to h_T).

    >>> out, h = rnn(torch.ones(3, 1, 1), None, torch.ones(1, 1), torch.ones(1, 1), nonlinearity="relu")
    >>> out.flatten()
    tensor([1., 2., 3.])
    """
    x, unbatched = _check_sequence(input, "rnn")
    h = _initial(h0, x, w_hh.shape[1])
    outputs = []
    for x_t in x:
        h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
        outputs.append(h)
    return _finish(outputs, unbatched), (h.squeeze(0) if unbatched else h)


@traced("lstm")
def lstm(input, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None):
    """Unrolled one-layer LSTM: :func:`lstm_cell` at every time step.

    Shape:
        input ``(T, N, input_size)``; h0, c0 ``(N, hidden)`` or ``None``; returns
        ``(output (T, N, hidden), (h_T, c_T))``.

    >>> out, (h, c) = lstm(torch.zeros(2, 1, 1), None, torch.ones(1, 1), torch.zeros(4, 1), torch.zeros(4, 1))
    >>> c
    tensor([[0.2500]])
    """
    x, unbatched = _check_sequence(input, "lstm")
    hidden = w_hh.shape[1]
    h, c = _initial(h0, x, hidden), _initial(c0, x, hidden)
    outputs = []
    for x_t in x:
        h, c = lstm_cell(x_t, h, c, w_ih, w_hh, b_ih, b_hh)
        outputs.append(h)
    if unbatched:
        h, c = h.squeeze(0), c.squeeze(0)
    return _finish(outputs, unbatched), (h, c)


@traced("gru")
def gru(input, h0, w_ih, w_hh, b_ih=None, b_hh=None, convention: str = "torch"):
    """Unrolled one-layer GRU: :func:`gru_cell` (either convention) at every time step.

    Shape:
        input ``(T, N, input_size)``; h0 ``(N, hidden)`` or ``None``; returns
        ``(output (T, N, hidden), h_T (N, hidden))``.

    >>> out, h = gru(torch.zeros(2, 1, 1), torch.ones(1, 1), torch.zeros(3, 1), torch.zeros(3, 1))
    >>> h
    tensor([[0.2500]])
    """
    x, unbatched = _check_sequence(input, "gru")
    h = _initial(h0, x, w_hh.shape[1])
    outputs = []
    for x_t in x:
        h = gru_cell(x_t, h, w_ih, w_hh, b_ih, b_hh, convention)
        outputs.append(h)
    return _finish(outputs, unbatched), (h.squeeze(0) if unbatched else h)
