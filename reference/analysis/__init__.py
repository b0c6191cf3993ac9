"""Closed-form analytics: output sizes, receptive fields, parameter and MAC counts, model summaries."""

from reference.analysis.sizes import (
    conv_output_size,
    conv_transpose_output_size,
    effective_kernel_size,
    full_padding,
    pool_output_size,
    same_padding,
)

__all__ = [
    "conv_output_size",
    "conv_transpose_output_size",
    "effective_kernel_size",
    "full_padding",
    "pool_output_size",
    "same_padding",
]
