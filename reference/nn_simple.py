"""Activation and recurrent-cell modules for :mod:`reference.nn` (torch subclasses, reference forward)."""

from __future__ import annotations

import torch

from cnngrade.reference import activations as _act
from cnngrade.reference import recurrent as _rec


class ReLU(torch.nn.ReLU):
    """``torch.nn.ReLU`` running :func:`reference.activations.relu` (``inplace`` is ignored).

    >>> ReLU()(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _act.relu(input)


class ReLU6(torch.nn.ReLU6):
    """``torch.nn.ReLU6`` running :func:`reference.activations.relu6`.

    >>> ReLU6()(torch.tensor([7.0]))
    tensor([6.])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _act.relu6(input)


class LeakyReLU(torch.nn.LeakyReLU):
    """``torch.nn.LeakyReLU`` running :func:`reference.activations.leaky_relu`.

    >>> LeakyReLU(0.5)(torch.tensor([-2.0]))
    tensor([-1.])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _act.leaky_relu(input, self.negative_slope)


class Sigmoid(torch.nn.Sigmoid):
    """``torch.nn.Sigmoid`` running :func:`reference.activations.sigmoid`.

    >>> Sigmoid()(torch.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _act.sigmoid(input)


class Tanh(torch.nn.Tanh):
    """``torch.nn.Tanh`` running :func:`reference.activations.tanh`.

    >>> Tanh()(torch.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _act.tanh(input)


class Hardsigmoid(torch.nn.Hardsigmoid):
    """``torch.nn.Hardsigmoid`` running :func:`reference.activations.hard_sigmoid`.

    >>> Hardsigmoid()(torch.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _act.hard_sigmoid(input)


class Hardswish(torch.nn.Hardswish):
    """``torch.nn.Hardswish`` running :func:`reference.activations.hard_swish`.

    >>> Hardswish()(torch.tensor([3.0]))
    tensor([3.])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _act.hard_swish(input)


class Softmax(torch.nn.Softmax):
    """``torch.nn.Softmax`` running :func:`reference.activations.softmax`; ``dim`` is required.

    >>> Softmax(dim=1)(torch.zeros(1, 4))
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if self.dim is None:
            raise ValueError(
                "Softmax(dim=None): pass the dimension to normalize, e.g. Softmax(dim=1)"
            )
        return _act.softmax(input, self.dim)


def _bias(cell: torch.nn.Module, name: str):
    return getattr(cell, name) if cell.bias else None


class RNNCell(torch.nn.RNNCell):
    """``torch.nn.RNNCell`` running :func:`reference.recurrent.rnn_cell`.

    >>> RNNCell(3, 4)(torch.zeros(2, 3)).shape
    torch.Size([2, 4])
    """

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        if hx is None:
            hx = input.new_zeros((*input.shape[:-1], self.hidden_size))
        return _rec.rnn_cell(
            input,
            hx,
            self.weight_ih,
            self.weight_hh,
            _bias(self, "bias_ih"),
            _bias(self, "bias_hh"),
            self.nonlinearity,
        )


class LSTMCell(torch.nn.LSTMCell):
    """``torch.nn.LSTMCell`` running :func:`reference.recurrent.lstm_cell`; returns ``(h, c)``.

    >>> h, c = LSTMCell(3, 4)(torch.zeros(2, 3))
    >>> h.shape, c.shape
    (torch.Size([2, 4]), torch.Size([2, 4]))
    """

    def forward(self, input: torch.Tensor, hx=None):
        if hx is None:
            zeros = input.new_zeros((*input.shape[:-1], self.hidden_size))
            hx = (zeros, zeros)
        return _rec.lstm_cell(
            input,
            hx[0],
            hx[1],
            self.weight_ih,
            self.weight_hh,
            _bias(self, "bias_ih"),
            _bias(self, "bias_hh"),
        )


class GRUCell(torch.nn.GRUCell):
    """``torch.nn.GRUCell`` running :func:`reference.recurrent.gru_cell` in either convention.

    Args:
        convention: ``"torch"`` (default, identical to ``torch.nn.GRUCell``) or ``"d2l"`` (reset gate
            applied to ``H`` before ``W_hn``, as in the course slides); see ``gru_cell``.

    >>> GRUCell(3, 4, convention="d2l")(torch.zeros(2, 3)).shape
    torch.Size([2, 4])
    """

    def __init__(
        self, input_size, hidden_size, bias=True, device=None, dtype=None, convention="torch"
    ):
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)
        if convention not in ("torch", "d2l"):
            raise ValueError(f"convention must be 'torch' or 'd2l', got {convention!r}")
        self.convention = convention

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        if hx is None:
            hx = input.new_zeros((*input.shape[:-1], self.hidden_size))
        return _rec.gru_cell(
            input,
            hx,
            self.weight_ih,
            self.weight_hh,
            _bias(self, "bias_ih"),
            _bias(self, "bias_hh"),
            self.convention,
        )
