"""Closed-form analytics: output sizes, receptive fields, parameter and MAC counts, model summaries."""

from typing import Any

from cnngrade.reference.analysis.counts import (
    avg_pool_macs,
    batch_norm_macs,
    batch_norm_params,
    conv_macs,
    conv_params,
    conv_transpose_macs,
    conv_transpose_params,
    depthwise_separable_cost_ratio,
    depthwise_separable_macs,
    depthwise_separable_params,
    gru_params,
    layer_norm_params,
    linear_macs,
    linear_params,
    lstm_params,
    neurons,
    recurrent_macs,
    rnn_params,
    spatially_separable_macs,
    spatially_separable_params,
)
from cnngrade.reference.analysis.receptive import (
    LayerSpec,
    RFInfo,
    receptive_field,
    rf_adaptive_step,
    rf_resample_step,
    rf_step,
    rf_transposed_step,
    rf_union,
)
from cnngrade.reference.analysis.sizes import (
    conv_output_size,
    conv_transpose_output_size,
    effective_kernel_size,
    full_padding,
    pool_output_size,
    same_padding,
)


def __getattr__(name: str) -> Any:
    """``summarize`` is imported on first use, so importing the formulas does not load pandas."""
    if name == "summarize":
        from cnngrade.reference.analysis.summary import summarize

        return summarize
    raise AttributeError(f"module 'cnngrade.reference.analysis' has no attribute {name!r}")


__all__ = [
    "LayerSpec",
    "RFInfo",
    "avg_pool_macs",
    "batch_norm_macs",
    "batch_norm_params",
    "conv_macs",
    "conv_output_size",
    "conv_params",
    "conv_transpose_macs",
    "conv_transpose_output_size",
    "conv_transpose_params",
    "depthwise_separable_cost_ratio",
    "depthwise_separable_macs",
    "depthwise_separable_params",
    "effective_kernel_size",
    "full_padding",
    "gru_params",
    "layer_norm_params",
    "linear_macs",
    "linear_params",
    "lstm_params",
    "neurons",
    "pool_output_size",
    "receptive_field",
    "recurrent_macs",
    "rf_adaptive_step",
    "rf_resample_step",
    "rf_step",
    "rf_transposed_step",
    "rf_union",
    "rnn_params",
    "same_padding",
    "spatially_separable_macs",
    "spatially_separable_params",
    "summarize",
]
