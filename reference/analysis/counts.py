"""Parameter, multiply-accumulate (MAC) and neuron counts of every layer type, each formula once.

Every function works on Python ints (exact, validated) and on sympy symbols alike, so a symbolic
exercise calls the very same code. Conventions:

- Parameters are *trainable* ones (BatchNorm's running statistics are buffers, not parameters).
- MACs are per sample: one multiply plus one add of a weighted sum. Biases, activations and max
  pooling cost no MACs; BatchNorm at inference is one affine MAC per element; average pooling is a
  fixed-weight window sum, one MAC per window element. Output sizes come only from ``sizes.py``.
- Recurrent MACs count the matrix products (``gates * H * (I + H)`` per step), not the gate
  element-wise products.

Seed 001 counts the two-GPU AlexNet (C2, C4, C5 in two groups) as 60,964,224 parameters, leaving
out the output layer's 1,000 biases:

>>> sum([
...     conv_params(3, 96, (11, 11)), conv_params(96, 256, (5, 5), groups=2),
...     conv_params(256, 384, (3, 3)), conv_params(384, 384, (3, 3), groups=2),
...     conv_params(384, 256, (3, 3), groups=2), linear_params(6 * 6 * 256, 4096),
...     linear_params(4096, 4096), linear_params(4096, 1000, bias=False),
... ])
60964224
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy

from cnngrade.reference._validate import is_symbolic
from cnngrade.reference.analysis.sizes import conv_output_size

Count = Any  # int or sympy expression
Sizes = Any  # int, sympy expression, or a tuple of them (one per spatial dimension)


def _prod(values: Sizes) -> Count:
    """Product of a size tuple; a single size stands for a square (2-D) one, as in ``nn.Conv2d``."""
    if not isinstance(values, (tuple, list)):
        return values * values
    out: Count = 1
    for v in values:
        out = out * v
    return out


def _pair(value: Sizes) -> tuple[Count, Count]:
    if isinstance(value, (tuple, list)):
        first, second = value
        return first, second
    return value, value


def _check(name: str, value: Count, minimum: int = 1) -> None:
    if is_symbolic(value):
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum} (or a sympy symbol), got {value!r}")


def _check_sizes(name: str, values: Sizes) -> None:
    for v in values if isinstance(values, (tuple, list)) else (values,):
        _check(name, v)


def _per_group(channels: Count, groups: Count, name: str) -> Count:
    """``channels / groups``: exact for ints (ValueError unless divisible), a fraction for symbols."""
    _check(name, channels)
    _check("groups", groups)
    if is_symbolic(channels) or is_symbolic(groups):
        return sympy.Mul(channels, sympy.Pow(groups, -1))
    if channels % groups:
        raise ValueError(
            f"{name}={channels} is not divisible by groups={groups}; pick groups dividing {name}"
        )
    return channels // groups


def conv_params(
    in_channels: Count,
    out_channels: Count,
    kernel_size: Sizes,
    groups: Count = 1,
    bias: bool = True,
) -> Count:
    """Parameters of a (grouped) convolution: ``C_out (C_in / g) prod(k) + C_out [bias]``.

    ``kernel_size`` (and every size argument in this module) is a tuple, one entry per spatial
    dimension, or a single size meaning square 2-D, as in ``nn.Conv2d``; pass ``(k,)`` for 1-D.

    >>> conv_params(3, 96, (11, 11))
    34944
    >>> conv_params(96, 256, (5, 5), groups=2)
    307456
    >>> c, k, g = sympy.symbols("C k g", positive=True, integer=True)
    >>> conv_params(c, c, (k, k), groups=g, bias=False)
    C**2*k**2/g
    """
    _check_sizes("kernel_size", kernel_size)
    _check("out_channels", out_channels)
    weights = out_channels * _per_group(in_channels, groups, "in_channels") * _prod(kernel_size)
    _per_group(out_channels, groups, "out_channels")
    return weights + (out_channels if bias else 0)


def conv_macs(
    in_channels: Count,
    out_channels: Count,
    kernel_size: Sizes,
    output_size: Sizes,
    groups: Count = 1,
) -> Count:
    """MACs of a (grouped) convolution: ``C_out prod(out) (C_in / g) prod(k)`` per sample.

    >>> conv_macs(3, 128, (3, 3), (5, 5))
    86400
    """
    _check_sizes("kernel_size", kernel_size)
    _check_sizes("output_size", output_size)
    per_output = _per_group(in_channels, groups, "in_channels") * _prod(kernel_size)
    return out_channels * _prod(output_size) * per_output


def conv_transpose_params(
    in_channels: Count,
    out_channels: Count,
    kernel_size: Sizes,
    groups: Count = 1,
    bias: bool = True,
) -> Count:
    """Parameters of a transposed convolution: ``C_in (C_out / g) prod(k) + C_out [bias]``.

    >>> conv_transpose_params(16, 8, (2, 2))
    520
    """
    _check_sizes("kernel_size", kernel_size)
    _check("in_channels", in_channels)
    weights = in_channels * _per_group(out_channels, groups, "out_channels") * _prod(kernel_size)
    _per_group(in_channels, groups, "in_channels")
    return weights + (out_channels if bias else 0)


def conv_transpose_macs(
    in_channels: Count,
    out_channels: Count,
    kernel_size: Sizes,
    input_size: Sizes,
    groups: Count = 1,
) -> Count:
    """MACs of a transposed convolution: every input scatters into ``(C_out / g) prod(k)`` outputs.

    ``C_in prod(in) (C_out / g) prod(k)`` per sample.

    >>> conv_transpose_macs(16, 8, (2, 2), (4, 4))
    8192
    """
    _check_sizes("input_size", input_size)
    per_input = _per_group(out_channels, groups, "out_channels") * _prod(kernel_size)
    return in_channels * _prod(input_size) * per_input


def depthwise_separable_params(
    in_channels: Count, out_channels: Count, kernel_size: Sizes, bias: bool = True
) -> Count:
    """Parameters of depthwise (``C_in prod(k)``) + pointwise (``C_in C_out``) convolutions.

    Each part has its own bias when ``bias`` (``C_in`` + ``C_out``).

    >>> depthwise_separable_params(3, 128, (3, 3), bias=False)
    411
    """
    depthwise = conv_params(in_channels, in_channels, kernel_size, groups=in_channels, bias=bias)
    return depthwise + conv_params(in_channels, out_channels, (1, 1), bias=bias)


def depthwise_separable_macs(
    in_channels: Count, out_channels: Count, kernel_size: Sizes, output_size: Sizes
) -> Count:
    """MACs of depthwise + pointwise: ``C_in prod(k) prod(out) + C_in C_out prod(out)``.

    Seed 000: 128 kernels of 3×3×3 over 5×5 positions cost 86,400 as a standard convolution, but
    675 + 9,600 = 10,275 as depthwise separable.

    >>> depthwise_separable_macs(3, 128, (3, 3), (5, 5))
    10275
    """
    depthwise = conv_macs(in_channels, in_channels, kernel_size, output_size, groups=in_channels)
    return depthwise + conv_macs(in_channels, out_channels, (1, 1), output_size)


def depthwise_separable_cost_ratio(out_channels: Count, kernel_size: Sizes) -> Count:
    """Depthwise-separable cost over standard cost: ``1 / C_out + 1 / prod(k)`` (exact).

    >>> depthwise_separable_cost_ratio(128, (3, 3))
    137/1152
    """
    _check("out_channels", out_channels)
    _check_sizes("kernel_size", kernel_size)
    return sympy.Integer(1) / out_channels + sympy.Integer(1) / _prod(kernel_size)


def spatially_separable_params(kernel_size: tuple[Count, Count]) -> Count:
    """Parameters of a ``k_h × 1`` column then a ``1 × k_w`` row kernel: ``k_h + k_w`` (vs ``k_h k_w``).

    >>> spatially_separable_params((3, 3))
    6
    """
    k_h, k_w = _pair(kernel_size)
    _check("kernel_size", k_h)
    _check("kernel_size", k_w)
    return k_h + k_w


def spatially_separable_macs(input_size: Sizes, kernel_size: Sizes, stride: Sizes = 1) -> Count:
    """Multiplications of a column pass then a row pass over one channel (no padding).

    The column pass (``k_h × 1``) makes ``H_mid × W_in`` outputs of ``k_h`` products each; the row
    pass (``1 × k_w``) makes ``H_out × W_out`` outputs of ``k_w`` each. Seed 000 (Sobel on 5×5):
    15×3 + 9×3 = 72, versus 9×9 = 81 for the full kernel.

    >>> spatially_separable_macs((5, 5), (3, 3))
    72
    >>> conv_macs(1, 1, (3, 3), (3, 3))
    81
    """
    (h, w), (k_h, k_w) = _pair(input_size), _pair(kernel_size)
    s_h, s_w = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    h_mid = conv_output_size(h, k_h, s_h)
    w_out = conv_output_size(w, k_w, s_w)
    return h_mid * w * k_h + h_mid * w_out * k_w


def linear_params(in_features: Count, out_features: Count, bias: bool = True) -> Count:
    """Parameters of a fully connected layer: ``in out + out [bias]``.

    >>> linear_params(4096, 1000)
    4097000
    >>> linear_params(4096, 1000, bias=False)
    4096000
    """
    _check("in_features", in_features)
    _check("out_features", out_features)
    return in_features * out_features + (out_features if bias else 0)


def linear_macs(in_features: Count, out_features: Count, rows: Count = 1) -> Count:
    """MACs of a fully connected layer on ``rows`` input vectors: ``rows in out``.

    >>> linear_macs(400, 120)
    48000
    """
    _check("rows", rows)
    return rows * linear_params(in_features, out_features, bias=False)


def batch_norm_params(num_features: Count, affine: bool = True) -> Count:
    """Trainable parameters of BatchNorm: ``2 C`` (γ and β); running mean/var are buffers.

    >>> batch_norm_params(64)
    128
    """
    _check("num_features", num_features)
    return 2 * num_features if affine else 0


def layer_norm_params(normalized_shape: Sizes, elementwise_affine: bool = True) -> Count:
    """Trainable parameters of LayerNorm: γ and β over ``normalized_shape``: ``2 prod(shape)``.

    >>> layer_norm_params((64,))
    128
    >>> layer_norm_params((16, 5, 5))
    800
    """
    shape = (
        tuple(normalized_shape)
        if isinstance(normalized_shape, (tuple, list))
        else (normalized_shape,)
    )
    _check_sizes("normalized_shape", shape)
    return 2 * _prod(shape) if elementwise_affine else 0


def batch_norm_macs(num_features: Count, spatial_size: Sizes = ()) -> Count:
    """MACs of inference BatchNorm (one folded affine per element): ``C prod(spatial)``.

    >>> batch_norm_macs(64, (56, 56))
    200704
    >>> batch_norm_macs(64)  # BatchNorm1d on (N, C)
    64
    """
    _check("num_features", num_features)
    return num_features * _prod(spatial_size)


def avg_pool_macs(channels: Count, kernel_size: Sizes, output_size: Sizes) -> Count:
    """Window-sum MACs of average pooling: ``C prod(out) prod(k)`` (max pooling: 0 MACs).

    >>> avg_pool_macs(6, (2, 2), (14, 14))
    4704
    """
    _check("channels", channels)
    return channels * _prod(output_size) * _prod(kernel_size)


_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _recurrent_params(
    gates: int, input_size: Count, hidden_size: Count, bias: bool, convention: str
) -> Count:
    if convention not in ("torch", "d2l"):
        raise ValueError(f"convention must be 'torch' or 'd2l', got {convention!r}")
    _check("input_size", input_size)
    _check("hidden_size", hidden_size)
    biases = (2 if convention == "torch" else 1) if bias else 0
    return gates * hidden_size * (input_size + hidden_size + biases)


def rnn_params(
    input_size: Count, hidden_size: Count, bias: bool = True, convention: str = "torch"
) -> Count:
    """Parameters of an Elman RNN cell: ``H (I + H + b)``; ``b`` = 2 bias vectors (torch), 1 (d2l).

    >>> rnn_params(10, 20)
    640
    """
    return _recurrent_params(_GATES["rnn"], input_size, hidden_size, bias, convention)


def lstm_params(
    input_size: Count, hidden_size: Count, bias: bool = True, convention: str = "torch"
) -> Count:
    """Parameters of an LSTM cell: ``4 H (I + H + b)`` (gates i, f, g, o).

    torch keeps two bias vectors (``b_ih``, ``b_hh``: b = 2); the d2l slides one per gate (b = 1).

    >>> lstm_params(10, 20)
    2560
    >>> lstm_params(10, 20, convention="d2l")
    2480
    """
    return _recurrent_params(_GATES["lstm"], input_size, hidden_size, bias, convention)


def gru_params(
    input_size: Count, hidden_size: Count, bias: bool = True, convention: str = "torch"
) -> Count:
    """Parameters of a GRU cell: ``3 H (I + H + b)`` (gates r, z, n; b as for :func:`lstm_params`).

    >>> gru_params(10, 20)
    1920
    """
    return _recurrent_params(_GATES["gru"], input_size, hidden_size, bias, convention)


def recurrent_macs(cell: str, input_size: Count, hidden_size: Count, seq_len: Count = 1) -> Count:
    """Matrix-product MACs of an ``'rnn'``, ``'lstm'`` or ``'gru'`` cell: ``T gates H (I + H)``.

    >>> recurrent_macs("lstm", 10, 20, seq_len=5)
    12000
    """
    if cell not in _GATES:
        raise ValueError(f"cell must be one of {sorted(_GATES)}, got {cell!r}")
    _check("seq_len", seq_len)
    return seq_len * _recurrent_params(_GATES[cell], input_size, hidden_size, False, "torch")


def neurons(shape: Sequence[Count]) -> Count:
    """Activation ("neuron") count of a feature map: the product of its shape (leave out the batch).

    Seed 001 counts AlexNet's C1 map as 55 × 55 × 96 = 290,400 neurons.

    >>> neurons((96, 55, 55))
    290400
    """
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ValueError(f"shape must be a non-empty tuple of sizes, got {shape!r}")
    _check_sizes("shape", tuple(shape))
    return _prod(tuple(shape))
