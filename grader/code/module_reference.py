"""The reference side of a module probe, in the grader's process: each accepted convention's block,
its parametrized ops in forward-use order with freshly drawn weights, and its outputs.

The weights are drawn from the case's seed with a NumPy generator (never torch's RNG); they go to the
child as plain arrays (``TiedReference``), while the outputs and intermediate values computed here
(in float64) never leave this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from dataclasses import dataclass

import numpy as np
import torch

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.exercises.seeding import rng_for
from cnngrade.grader.sandbox.api import ModuleProbe, TiedOp, TiedReference
from cnngrade.grader.sandbox.runtime.probe_tie import LARGE, input_grad
from cnngrade.grader.sandbox.runtime.probe_trace import OpTracer, tied_view


@dataclass(frozen=True)
class ReferenceRun:
    """One convention's reference block run on a case.

    ``ops``: its trace (see ``probe_trace``); ``tied``: trace indices of its parametrized ops (the
    order of ``sent.ops``); ``outputs[(k, mode)]``: output for input ``k`` (the last ``k``: the first input times
    ``LARGE``; mode ``after_train``: eval
    after a training-mode forward, with the running stats it left; ``(0, "grad")``: the gradient
    of ``sum(y * grad_weights)`` with respect to input 0, eval mode); ``values[mode]``:
    ``{trace index: (input, output)}`` of the parametrized ops (and cat outputs) on input 0;
    ``output``: the trace index of the op whose result the block returns.
    """

    convention: str
    ops: tuple[dict, ...]
    tied: tuple[int, ...]
    sent: TiedReference
    outputs: dict
    values: dict
    output: int = -2


def _draw(rng: np.random.Generator, kind: str, slot: str, shape: tuple[int, ...]) -> np.ndarray:
    """Weights that keep activations O(1) and make every parameter matter (BN stats included)."""
    if slot == "weight" and kind == "batch_norm":
        return rng.uniform(0.5, 1.5, shape)
    if slot == "weight":
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        return rng.standard_normal(shape) / np.sqrt(fan_in)
    if slot == "running_mean":
        return rng.normal(0.0, 0.5, shape)
    if slot == "running_var":
        return rng.uniform(0.5, 2.0, shape)
    return rng.uniform(-0.5, 0.5, shape)


def _tensors(block: torch.nn.Module) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = dict(block.named_parameters())
    out.update(dict(block.named_buffers()))
    return out


def _load(block: torch.nn.Module, ops, tied, arrays) -> None:
    tensors = _tensors(block)
    with torch.no_grad():
        for t, weights in zip(tied, arrays, strict=True):
            for slot, arr in zip(ops[t]["params"], weights, strict=True):
                tensors[ops[t]["params"][slot]].copy_(torch.from_numpy(arr))


def _run_convention(exercise: CodeExercise, convention: str, inv: Invocation) -> ReferenceRun:
    with torch.random.fork_rng(devices=[]):  # the reference's own init must not touch global state
        block = exercise.references(convention, tuple(inv.alternatives[0])).double()
    xs = [torch.from_numpy(np.asarray(x, dtype=np.float64)) for x in inv.inputs]
    xs.append(xs[0] * LARGE)  # large values: an activation that clips departs from ReLU there
    tracer = OpTracer(block, leaves=True)
    x0 = xs[0].clone()
    tracer.start(x0)
    block.eval()
    with torch.no_grad(), tracer:
        y = block(x0)
    tracer.close()
    ops = tracer.ops
    output = tracer.source(y)
    tied, _, after, paths = tied_view(ops)
    rng = rng_for(int(inv.seed))
    arrays = [[_draw(rng, ops[t]["kind"], s, tuple(ops[t]["shapes"][s])) for s in ops[t]["params"]] for t in tied]  # fmt: skip
    sent = TiedReference(convention, tuple(
        TiedOp(ops[t]["kind"], tuple(ops[t]["params"]), tuple(a), tuple(after[p]), paths[p])
        for p, (t, a) in enumerate(zip(tied, arrays, strict=True))))  # fmt: skip
    outputs, values = {}, {}
    for k, x0 in enumerate(xs):
        for mode in inv.modes:
            _load(block, ops, tied, arrays)
            block.train(mode == "train")
            x = x0.clone()
            keep = OpTracer(block, keep=True, leaves=True) if k == 0 else None
            if keep is not None:
                keep.start(x)
            with torch.no_grad(), keep or contextlib.nullcontext():
                outputs[(k, mode)] = block(x).numpy().copy()
            if mode == "train":  # eval, with the running stats this forward left (BN momentum)
                block.eval()
                with torch.no_grad():
                    outputs[(k, "after_train")] = block(x0.clone()).numpy().copy()
            if keep is not None:
                keep.close()
                values[mode] = {
                    i: tuple(v.numpy() if v is not None else None for v in pair)
                    for i, pair in keep.values.items()
                }
    _load(block, ops, tied, arrays)
    outputs[(0, "grad")] = input_grad(block, xs[0])  # d(sum(y * w))/dx, eval mode, as the child
    return ReferenceRun(convention, tuple(ops), tuple(tied), sent, outputs, values, output)


def _key(exercise: CodeExercise, inv: Invocation) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for x in inv.inputs:
        digest.update(np.ascontiguousarray(x).tobytes())
        digest.update(str(x.shape).encode())
    return json.dumps([exercise.id, list(exercise.conventions), int(inv.seed), repr(inv.alternatives),
                       list(inv.modes), digest.hexdigest()])  # fmt: skip


_CACHE: dict[str, tuple[ReferenceRun, ...]] = {}
_ONE_THREAD = threading.Lock()


@contextlib.contextmanager
def _one_thread():
    """Torch on one thread while the reference runs: these ops are tiny, and on a busy machine
    several threads per op made them ten times slower (measured: 1.5 s -> 0.15 s per residual check)."""
    with _ONE_THREAD:
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(before)


def references(exercise: CodeExercise, inv: Invocation) -> tuple[ReferenceRun, ...]:
    """Each accepted convention's run on this invocation (cached: the probe and the judge share it)."""
    if exercise.references is None or not exercise.conventions:
        raise ValueError(f"module exercise {exercise.id!r} has no references/conventions; set both")
    key = _key(exercise, inv)
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        with _one_thread():
            _CACHE[key] = tuple(_run_convention(exercise, c, inv) for c in exercise.conventions)
    return _CACHE[key]


def module_probe(exercise: CodeExercise, inv: Invocation) -> ModuleProbe:
    """The sandbox request of one module case: inputs, argument lists, each convention's weights."""
    return ModuleProbe(
        init_kwargs={}, inputs=tuple(inv.inputs), seed=int(inv.seed), alternatives=tuple(inv.alternatives),
        modes=tuple(inv.modes), references=tuple(r.sent for r in references(exercise, inv)),
    )  # fmt: skip


__all__ = ["ReferenceRun", "module_probe", "references"]
