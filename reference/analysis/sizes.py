"""Output-size formulas: the one home of every "how big is the output" rule in cnngrade.

Each function works on Python ints (validated, exact integer arithmetic) and on sympy expressions
(no validation; ``floor``/``ceiling`` stay symbolic), so symbolic exercises call the very same code.
Notation as in torch's docs: ``n`` = input size, ``k`` = kernel size, ``s`` = stride,
``p`` = padding on each side, ``d`` = dilation.
"""

from __future__ import annotations

from typing import Any

import sympy

from cnngrade.reference._validate import is_symbolic

Size = Any  # int or sympy expression


def _floor_div(a: Size, b: Size) -> Size:
    """⌊a / b⌋ for ints or sympy expressions."""
    if is_symbolic(a) or is_symbolic(b):
        return sympy.floor(sympy.Rational(1, 1) * a / b)
    return a // b


def _ceil_div(a: Size, b: Size) -> Size:
    """⌈a / b⌉ for ints or sympy expressions."""
    if is_symbolic(a) or is_symbolic(b):
        return sympy.ceiling(sympy.Rational(1, 1) * a / b)
    return -((-a) // b)


def _check_int(name: str, value: Size, minimum: int) -> None:
    if is_symbolic(value):
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")


def _total_padding(padding: Size | tuple[Size, Size]) -> Size:
    """``2p`` for a symmetric int, ``left + right`` for an asymmetric pair."""
    if isinstance(padding, tuple):
        if len(padding) != 2:
            raise ValueError(f"padding must be an int or a (left, right) pair, got {padding!r}")
        for side in padding:
            _check_int("padding", side, 0)
        return padding[0] + padding[1]
    _check_int("padding", padding, 0)
    return 2 * padding


def effective_kernel_size(kernel_size: Size, dilation: Size = 1) -> Size:
    """Span of a dilated kernel: ``d (k - 1) + 1``.

    >>> effective_kernel_size(3, dilation=2)
    5
    """
    _check_int("kernel_size", kernel_size, 1)
    _check_int("dilation", dilation, 1)
    return dilation * (kernel_size - 1) + 1


def conv_output_size(
    size: Size,
    kernel_size: Size,
    stride: Size = 1,
    padding: Size | tuple[Size, Size] = 0,
    dilation: Size = 1,
) -> Size:
    """Output length of a convolution along one dimension.

    ``out = ⌊(n + 2p - d (k - 1) - 1) / s⌋ + 1``; ``padding`` may be a ``(left, right)`` pair, in which
    case ``2p`` is ``left + right``.

    >>> conv_output_size(28, 5, padding=2)
    28
    >>> conv_output_size(227, 11, stride=4)
    55
    >>> n, k, p, s = sympy.symbols("n k p s", positive=True, integer=True)
    >>> conv_output_size(n, k, stride=s, padding=p)
    floor((-k + n + 2*p)/s) + 1
    """
    _check_int("size", size, 1)
    _check_int("stride", stride, 1)
    total = _total_padding(padding)
    span = effective_kernel_size(kernel_size, dilation)
    if not (is_symbolic(size) or is_symbolic(total) or is_symbolic(span)) and span > size + total:
        raise ValueError(
            f"kernel_size={kernel_size} (span {span} with dilation={dilation}) is larger than the "
            f"padded input ({size} + {total} padding = {size + total}); use a smaller kernel or more padding"
        )
    return _floor_div(size + total - span, stride) + 1


def pool_output_size(
    size: Size,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
) -> Size:
    """Output length of max/average pooling along one dimension (torch's rule).

    ``out = ⌊(n + 2p - d (k - 1) - 1) / s⌋ + 1`` (``⌈⌉`` with ``ceil_mode``); ``stride`` defaults to
    ``kernel_size``. In ceil mode the last window must start inside the input or the left padding:
    if ``(out - 1) s >= n + p`` that window is dropped. Padding may be at most half the kernel span.

    >>> pool_output_size(5, 2)
    2
    >>> pool_output_size(5, 2, ceil_mode=True)
    3
    >>> pool_output_size(6, 3, stride=2, ceil_mode=True)
    3
    """
    stride = kernel_size if stride is None else stride
    _check_int("size", size, 1)
    _check_int("stride", stride, 1)
    _check_int("padding", padding, 0)
    span = effective_kernel_size(kernel_size, dilation)
    if not (is_symbolic(padding) or is_symbolic(kernel_size)) and 2 * padding > kernel_size:
        raise ValueError(
            f"padding={padding} must be at most half of kernel_size={kernel_size} for pooling"
        )
    if (
        not (is_symbolic(size) or is_symbolic(padding) or is_symbolic(span))
        and span > size + 2 * padding
    ):
        raise ValueError(
            f"kernel_size={kernel_size} (span {span}) is larger than the padded input "
            f"({size} + 2*{padding}); use a smaller window or more padding"
        )
    rounding = _ceil_div if ceil_mode else _floor_div
    out = rounding(size + 2 * padding - span, stride) + 1
    if ceil_mode:
        if is_symbolic(out) or is_symbolic(size) or is_symbolic(stride) or is_symbolic(padding):
            return sympy.Piecewise((out - 1, (out - 1) * stride >= size + padding), (out, True))
        if (out - 1) * stride >= size + padding:
            out -= 1
    return out


def conv_transpose_output_size(
    size: Size,
    kernel_size: Size,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    dilation: Size = 1,
) -> Size:
    """Output length of a transposed convolution along one dimension.

    ``out = (n - 1) s - 2p + d (k - 1) + output_padding + 1``; ``output_padding`` must be smaller than
    the stride or the dilation (it picks one of the sizes that a strided convolution maps to ``n``).

    >>> conv_transpose_output_size(2, 3, stride=2, padding=1, output_padding=1)
    4
    """
    _check_int("size", size, 1)
    _check_int("stride", stride, 1)
    _check_int("padding", padding, 0)
    _check_int("output_padding", output_padding, 0)
    span = effective_kernel_size(kernel_size, dilation)
    symbolic = any(is_symbolic(v) for v in (size, stride, padding, output_padding, dilation))
    if not symbolic and output_padding >= stride and output_padding >= dilation:
        raise ValueError(
            f"output_padding={output_padding} must be smaller than stride={stride} or "
            f"dilation={dilation}"
        )
    out = (size - 1) * stride - 2 * padding + span - 1 + output_padding + 1
    if not symbolic and not is_symbolic(out) and out < 1:
        raise ValueError(
            f"padding={padding} is too large: the transposed convolution output would have size {out}"
        )
    return out


def same_padding(kernel_size: Size, dilation: Size = 1) -> tuple[Size, Size]:
    """The ``(left, right)`` padding that keeps the size at stride 1: total ``d (k - 1)``.

    As in torch's ``padding='same'``, an odd total puts the extra row/column on the right/bottom.

    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    """
    total = effective_kernel_size(kernel_size, dilation) - 1
    left = _floor_div(total, 2)
    return left, total - left


def full_padding(kernel_size: Size, dilation: Size = 1) -> Size:
    """Padding on each side for a 'full' convolution: ``d (k - 1)``.

    >>> full_padding(5)
    4
    """
    return effective_kernel_size(kernel_size, dilation) - 1
