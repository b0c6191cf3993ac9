"""Which dispatcher operators an exercise's op patterns name: one rule for the static scan and the child.

A pattern is a regular expression searched in an operator's *base name* — namespace and overload
dropped, so ``conv(?!ert)`` names ``aten::conv2d.padding``, ``aten::_convolution``,
``mkldnn::_convolution_pointwise`` and ``quantized::conv2d.new`` alike. The same rule decides
whether a Python name such as ``torch.convolution`` or ``torch.ops.aten.im2col`` is forbidden.
Stdlib only (the warm worker and the grader both import it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


def base_name(op: str) -> str:
    """``"quantized::conv2d.new"`` -> ``"conv2d"``.

    >>> base_name("aten::max_pool2d_with_indices.out"), base_name("convolution")
    ('max_pool2d_with_indices', 'convolution')
    """
    return op.rpartition("::")[2].partition(".")[0]


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def matches(op: str, patterns: Iterable[str]) -> bool:
    """Whether one of ``patterns`` occurs in the operator's base name.

    >>> matches("aten::_convert_indices_from_coo_to_csr", ("conv(?!ert)",))
    False
    >>> matches("mkldnn::_convolution_pointwise.binary", ("conv(?!ert)",))
    True
    """
    regex = _compiled(tuple(patterns))
    return regex is not None and regex.search(base_name(op)) is not None


#: base-name pattern -> the Python API a student most likely called to reach the operator.
_FRIENDLY = (
    ("conv_transpose|convolution_transpose", "torch.nn.functional.conv_transpose2d"),
    ("conv", "torch.nn.functional.conv2d"),
    ("im2col", "torch.nn.functional.unfold"),
    ("col2im", "torch.nn.functional.fold"),
    ("max_pool|max_unpool", "torch.nn.functional.max_pool2d"),
    ("avg_pool", "torch.nn.functional.avg_pool2d"),
    ("unfold", "torch.Tensor.unfold"),
    ("lstm", "torch.nn.functional.lstm_cell"),
    ("gru", "torch.nn.functional.gru_cell"),
    ("rnn", "torch.nn.RNN"),
)


def friendly(op: str) -> str:
    """``"torch.nn.functional.conv2d (aten.convolution)"`` for a refused operator.

    >>> friendly("aten::convolution"), friendly("aten::frobnicate")
    ('torch.nn.functional.conv2d (aten.convolution)', 'aten.frobnicate')
    """
    ns, _, _ = op.rpartition("::")
    base = base_name(op)
    shown = f"{ns or 'aten'}.{base}"
    name = next((api for key, api in _FRIENDLY if re.search(key, base)), None)
    return f"{name} ({shown})" if name else shown
