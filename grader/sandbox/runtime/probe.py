"""Inside the child: build a student's ``nn.Module``, apply actions, run it, and record its leaves.

Hyper-parameters are taken from the functional calls each leaf actually made (a ``TorchFunctionMode``
on conv/pool/linear), not from module attributes a student could set without using them.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

from . import convert, probe_tie

#: functional name -> positional parameter names after ``input``.
_SIGNATURES = {
    "conv1d": ("weight", "bias", "stride", "padding", "dilation", "groups"),
    "conv2d": ("weight", "bias", "stride", "padding", "dilation", "groups"),
    "conv3d": ("weight", "bias", "stride", "padding", "dilation", "groups"),
    "conv_transpose2d": (
        "weight",
        "bias",
        "stride",
        "padding",
        "output_padding",
        "groups",
        "dilation",
    ),
    "max_pool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "_max_pool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "max_pool2d_with_indices": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "avg_pool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
    "adaptive_avg_pool2d": ("output_size",),
    "adaptive_max_pool2d": ("output_size",),
    "linear": ("weight", "bias"),
    "batch_norm": ("running_mean", "running_var", "weight", "bias", "training", "momentum", "eps"),
}


def _plain(value):
    """JSON-friendly copy of a hyper-parameter (tensors become their shape)."""
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return repr(value)[:80]


class RecordFunctional(TorchFunctionMode):
    """Remember the hyper-parameters of conv/pool/linear calls made while a leaf runs."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001 - torch protocol
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name in _SIGNATURES and args:
            record = {"function": name.lstrip("_")}
            record.update(zip(_SIGNATURES[name], (_plain(a) for a in args[1:]), strict=False))
            record.update({k: _plain(v) for k, v in kwargs.items()})
            if name.startswith("conv") and isinstance(args[1:2] and args[1], torch.Tensor):
                _conv_facts(record, args[1], name)
            self.calls.append(record)
        return func(*args, **kwargs)


def _conv_facts(record: dict, weight: torch.Tensor, name: str) -> None:
    """Channels and kernel size as the call used them (from the weight it was given)."""
    groups = record.get("groups", 1) if isinstance(record.get("groups", 1), int) else 1
    first, second = weight.shape[0], weight.shape[1]
    if name.startswith("conv_transpose"):
        record.update(in_channels=first, out_channels=second * groups)
    else:
        record.update(in_channels=second * groups, out_channels=first)
    record["kernel_size"] = list(weight.shape[2:])
    record["bias"] = record.get("bias") is not None


def _leaf_hooks(model: torch.nn.Module, layers: list[dict], recorder: RecordFunctional) -> list:
    handles = []
    for leaf in (m for m in model.modules() if not list(m.children())):

        def pre(mod, inputs, _rec=recorder):
            mod._cnngrade_mark = len(_rec.calls)

        def post(mod, inputs, output, _rec=recorder):
            mod._cnngrade_called = True
            first = inputs[0] if inputs and isinstance(inputs[0], torch.Tensor) else None
            out = output if isinstance(output, torch.Tensor) else None
            used = _rec.calls[getattr(mod, "_cnngrade_mark", len(_rec.calls)) :]
            layers.append(
                {
                    "type": type(mod).__name__,
                    "input_shape": list(first.shape) if first is not None else [],
                    "output_shape": list(out.shape) if out is not None else [],
                    "parameters": sum(p.numel() for p in mod.parameters(recurse=False)),
                    "attributes": used[0] if len(used) == 1 else ({"calls": used} if used else {}),
                }
            )

        handles += [leaf.register_forward_pre_hook(pre), leaf.register_forward_hook(post)]
    return handles


def _unused_leaves(model: torch.nn.Module, layers: list[dict]) -> None:
    """Leaves the forward never called, appended with empty shapes and ``unused: True``."""
    for leaf in (m for m in model.modules() if not list(m.children())):
        if not getattr(leaf, "_cnngrade_called", False):
            layers.append(
                {
                    "type": type(leaf).__name__,
                    "input_shape": [],
                    "output_shape": [],
                    "attributes": {"unused": True},
                    "parameters": sum(p.numel() for p in leaf.parameters(recurse=False)),
                }
            )


def apply_action(model: torch.nn.Module, action: str) -> None:
    """The fixed action vocabulary of ``ModuleProbe.actions``."""
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if action in ("zero_last_batchnorm_weight", "zero_all_batchnorm_weight"):
        if not norms:
            raise ValueError(f"action {action!r}: the module has no BatchNorm layer")
        with torch.no_grad():
            for bn in norms[-1:] if action == "zero_last_batchnorm_weight" else norms:
                bn.weight.zero_()
    elif action == "zero_all_biases":
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.endswith("bias"):
                    p.zero_()
    else:
        raise ValueError(f"unknown probe action {action!r}")


def run_probe(cls, call: dict, ctx: dict) -> dict:
    """Build ``cls(**init_kwargs)`` after seeding, run every input, report outputs and structure.

    A probe with ``references`` is a behaviour probe instead (``probe_tie.run_tied``): the block is
    built from positional arguments, given each reference's weights, and its outputs returned.
    """
    if call.get("references"):
        return probe_tie.run_tied(cls, call, ctx)
    torch.manual_seed(call["seed"])
    with ctx["guard"]():
        init = {
            k: convert.decode(v, ctx["inputs"], "torch") for k, v in call["init_kwargs"].items()
        }
        model = cls(**init)
        if not isinstance(model, torch.nn.Module):
            raise convert.InvalidOutput(f"{cls!r} did not build a torch.nn.Module")
        backend = f"torch:{ctx['device']}" if ctx.get("device") else "torch"
        if ctx.get("device"):
            model.to(ctx["device"])
        model.train(call["mode"] == "train")
        for action in call["actions"]:
            apply_action(model, action)
        layers: list[dict] = []
        outputs = []
        recorder = RecordFunctional()
        for k, spec in enumerate(call["inputs"]):
            x = convert.decode(spec, ctx["inputs"], backend)
            handles = _leaf_hooks(model, layers, recorder) if k == 0 else []
            try:
                with torch.no_grad(), recorder:
                    y = model(x)
            finally:
                for h in handles:
                    h.remove()
            outputs.append(convert.to_array(y, ctx["max_output_bytes"]))
        _unused_leaves(model, layers)
    convert.save_outputs(outputs, ctx["index"], ctx["job_fd"])
    params = int(sum(np.prod(p.shape) for p in model.parameters()))
    return {"status": "ok", "n_out": len(outputs), "parameters": params, "layers": layers}
