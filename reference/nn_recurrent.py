"""Sequence modules ``RNN``, ``LSTM``, ``GRU`` for :mod:`reference.nn`: torch's layout, reference cells.

Stacked layers (``num_layers``), both directions (``bidirectional``) and ``batch_first`` run the
unrolled :mod:`reference.recurrent` functions layer by layer; parameter names are torch's
(``weight_ih_l0``, ``weight_hh_l1_reverse``, …) so ``state_dict``s interchange. Not supported (a
``ValueError`` says so): LSTM ``proj_size`` and dropout between layers in training mode.
"""

from __future__ import annotations

import torch

from cnngrade.reference import recurrent as _rec


class _SequenceMixin:
    """forward over layers and directions; subclasses say how one direction of one layer runs."""

    def _one_direction(self, seq, state, weights):
        raise NotImplementedError

    def _check_supported(self) -> None:
        if getattr(self, "proj_size", 0):
            raise ValueError(
                f"proj_size={self.proj_size} is not supported by the reference LSTM; use 0"
            )
        if self.training and self.dropout > 0 and self.num_layers > 1:
            raise ValueError(
                f"dropout={self.dropout} between layers needs a seeded mask; call .eval() or use dropout=0"
            )

    def _weights(self, suffix: str):
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return [getattr(self, name + suffix, None) for name in names]

    def _forward(self, input: torch.Tensor, states: list):
        """``states[k]`` is the initial state of layer ``k // D``, direction ``k % D``."""
        self._check_supported()
        batched = input.dim() == 3
        x = input if batched else input.unsqueeze(1)
        if batched and self.batch_first:
            x = x.transpose(0, 1)
        directions = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                seq = x.flip(0) if direction else x
                out, final = self._one_direction(
                    seq, states[layer * directions + direction], self._weights(suffix)
                )
                outputs.append(out.flip(0) if direction else out)
                finals.append(final)
            x = torch.cat(outputs, dim=-1)
        if batched and self.batch_first:
            x = x.transpose(0, 1)
        return (x if batched else x.squeeze(1)), finals, batched

    def _zeros(self, input: torch.Tensor) -> torch.Tensor:
        batch = input.shape[0 if self.batch_first else 1] if input.dim() == 3 else 1
        layers = self.num_layers * (2 if self.bidirectional else 1)
        return input.new_zeros((layers, batch, self.hidden_size))


def _stack(finals: list[torch.Tensor], batched: bool) -> torch.Tensor:
    out = torch.stack(finals)
    return out if batched else out.squeeze(1)


def _per_layer(state: torch.Tensor, batched: bool) -> torch.Tensor:
    return state if batched else state.unsqueeze(1)


class RNN(_SequenceMixin, torch.nn.RNN):
    """``torch.nn.RNN`` running :func:`reference.recurrent.rnn` per layer and direction.

    >>> out, h = RNN(3, 4, num_layers=2, bidirectional=True)(torch.zeros(5, 2, 3))
    >>> out.shape, h.shape
    (torch.Size([5, 2, 8]), torch.Size([4, 2, 4]))
    """

    def _one_direction(self, seq, state, weights):
        return _rec.rnn(seq, state, *weights, nonlinearity=self.nonlinearity)

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None):
        h0 = self._zeros(input) if hx is None else _per_layer(hx, input.dim() == 3)
        out, finals, batched = self._forward(input, list(h0))
        return out, _stack(finals, batched)


class GRU(_SequenceMixin, torch.nn.GRU):
    """``torch.nn.GRU`` running :func:`reference.recurrent.gru` (``convention`` as in ``gru_cell``).

    >>> out, h = GRU(3, 4, batch_first=True)(torch.zeros(2, 5, 3))
    >>> out.shape, h.shape
    (torch.Size([2, 5, 4]), torch.Size([1, 2, 4]))
    """

    def __init__(self, *args, convention: str = "torch", **kwargs):
        super().__init__(*args, **kwargs)
        if convention not in ("torch", "d2l"):
            raise ValueError(f"convention must be 'torch' or 'd2l', got {convention!r}")
        self.convention = convention

    def _one_direction(self, seq, state, weights):
        return _rec.gru(seq, state, *weights, convention=self.convention)

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None):
        h0 = self._zeros(input) if hx is None else _per_layer(hx, input.dim() == 3)
        out, finals, batched = self._forward(input, list(h0))
        return out, _stack(finals, batched)


class LSTM(_SequenceMixin, torch.nn.LSTM):
    """``torch.nn.LSTM`` running :func:`reference.recurrent.lstm`; returns ``(output, (h_n, c_n))``.

    >>> out, (h, c) = LSTM(3, 4, num_layers=2)(torch.zeros(5, 2, 3))
    >>> out.shape, c.shape
    (torch.Size([5, 2, 4]), torch.Size([2, 2, 4]))
    """

    def _one_direction(self, seq, state, weights):
        out, (h, c) = _rec.lstm(seq, state[0], state[1], *weights)
        return out, (h, c)

    def forward(self, input: torch.Tensor, hx=None):
        batched = input.dim() == 3
        h0, c0 = (self._zeros(input),) * 2 if hx is None else (_per_layer(s, batched) for s in hx)
        out, finals, batched = self._forward(input, list(zip(h0, c0, strict=True)))
        return out, (
            _stack([h for h, _ in finals], batched),
            _stack([c for _, c in finals], batched),
        )
