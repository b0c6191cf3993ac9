"""What the code exercises forbid: every torch API that would do an exercise's work, named once.

Each family pairs the Python names the static scan refuses (their aliases follow) with the operator
patterns the sandbox refuses on torch's dispatcher — regular expressions searched in an operator's
base name, so ``conv(?!ert)`` reaches ``aten::conv2d``, ``aten::_convolution``,
``mkldnn::_convolution_pointwise`` and ``quantized::conv2d`` however the student gets there. A
pooling exercise forbids convolution and unfold too: ``avg_pool2d`` is a depthwise ``F.conv2d`` with
a constant ``1/(kH·kW)`` kernel, or ``F.unfold`` and a mean.
"""

from __future__ import annotations

_F = "torch.nn.functional."

CONVOLUTION_NAMES = (
    *(f"{_F}{op}{d}d" for op in ("conv", "conv_transpose") for d in (1, 2, 3)),
    *(f"torch.nn.{cls}{d}d" for cls in ("Conv", "ConvTranspose", "LazyConv", "LazyConvTranspose")
      for d in (1, 2, 3)),
    "torch.convolution", "torch.conv_tbc",
)  # fmt: skip
CONVOLUTION_OPS = (r"conv(?!ert)",)

UNFOLD_NAMES = (f"{_F}unfold", f"{_F}fold", "torch.nn.Unfold", "torch.nn.Fold")
UNFOLD_OPS = ("im2col", "col2im")

POOLING_NAMES = (
    *(f"{_F}{op}{d}d" for op in ("max_pool", "avg_pool", "adaptive_max_pool", "adaptive_avg_pool")
      for d in (1, 2, 3)),
    f"{_F}max_pool2d_with_indices", f"{_F}lp_pool1d", f"{_F}lp_pool2d", f"{_F}lp_pool3d",
    f"{_F}fractional_max_pool2d", f"{_F}max_unpool2d",
    *(f"torch.nn.{cls}{d}d" for cls in ("MaxPool", "AvgPool", "AdaptiveMaxPool", "AdaptiveAvgPool",
                                        "LPPool") for d in (1, 2, 3)),
    "torch.nn.FractionalMaxPool2d", "torch.nn.MaxUnpool2d",
)  # fmt: skip
POOLING_OPS = (r"pool[123]d",)

RECURRENT_NAMES = (
    "torch.nn.LSTMCell", "torch.nn.GRUCell", "torch.nn.RNNCell", "torch.nn.LSTM", "torch.nn.GRU",
    "torch.nn.RNN", f"{_F}lstm_cell", f"{_F}gru_cell", "torch.lstm_cell", "torch.gru_cell",
    # torch's quantizable LSTM is written in Python from Linear layers: no LSTM operator to refuse
    "torch.ao.nn.quantizable.LSTMCell", "torch.ao.nn.quantizable.LSTM",
)  # fmt: skip
RECURRENT_OPS = ("lstm", "gru", "rnn")

#: Backward exercises: autograd would compute the gradients.
AUTOGRAD_NAMES = (
    "torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward",
    "torch.autograd.functional", "torch.autograd.forward_ad", "torch.func",
)  # fmt: skip
#: Forward-mode autograd (``forward_ad``, ``torch.func.jvp``) goes through dual-tensor operators.
AUTOGRAD_OPS = (r"make_dual|unpack_dual|fw_primal",)
