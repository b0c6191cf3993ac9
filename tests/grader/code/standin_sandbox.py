"""TEST-ONLY stand-in for ``grader.sandbox.run`` until H6a's real sandbox lands.

It runs the code IN-PROCESS and isolates nothing: it exists only so the code-grading tests can run
our own instructor/wrong solutions before the real sandbox exists. It is never shipped; conftest uses
it only when ``grader.sandbox`` has no ``run``. Remove once the real one is in.
"""

from __future__ import annotations

import copy
import time
import traceback

import numpy as np
import torch

from grader.sandbox.api import CallResult, Isolation, LayerRecord, ModuleProbe, RunReport

ISOLATION = Isolation(0, "test-standin-in-process", (), ("everything",))


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def _call(fn, call):
    conv = (lambda a: torch.from_numpy(a.copy()) if isinstance(a, np.ndarray) else a) if call.backend == "torch" else (
        lambda a: a.copy() if isinstance(a, np.ndarray) else a)
    args = [conv(a) for a in call.args]
    kwargs = {k: conv(v) for k, v in call.kwargs.items()}
    before = [copy.deepcopy(a) for a in args]
    out = fn(*args, **kwargs)
    outs = out if call.outputs > 1 else (out,)
    if call.outputs > 1 and (not isinstance(out, (tuple, list)) or len(out) != call.outputs):
        return CallResult("invalid_output", message=f"expected a tuple of {call.outputs} arrays")
    mutated = tuple(f"args[{i}]" for i, (a, b) in enumerate(zip(args, before))
                    if isinstance(b, (np.ndarray, torch.Tensor)) and not np.array_equal(_to_numpy(a), _to_numpy(b)))
    if mutated:
        return CallResult("mutated_input", mutated=mutated)
    return CallResult("ok", outputs=tuple(_to_numpy(o) for o in outs))


def _probe(cls, probe: ModuleProbe):
    torch.manual_seed(probe.seed)
    model = cls(**probe.init_kwargs)
    model.train(probe.mode == "train")
    if "zero_last_batchnorm_weight" in probe.actions:
        bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        with torch.no_grad():
            bns[-1].weight.zero_()
    records = []

    def hook(module, inputs, output):
        n = sum(p.numel() for p in module.parameters(recurse=False))
        records.append(LayerRecord(type(module).__name__, tuple(inputs[0].shape), tuple(output.shape), n))

    handles = [m.register_forward_hook(hook) for m in model.modules() if not list(m.children())]
    with torch.no_grad():
        outs = tuple(model(torch.from_numpy(x)).numpy() for x in probe.inputs)
    for h in handles:
        h.remove()
    n = sum(p.numel() for p in model.parameters())
    return CallResult("ok", outputs=outs, parameters=n, layers=tuple(records))


def run(source, entry, calls, *, limits=None, forbidden=None, require_level=None, filename="submission.py"):
    namespace: dict = {"__name__": "submission"}
    try:
        exec(compile(source, filename, "exec"), namespace)
        fn = namespace[entry]
    except Exception as exc:  # noqa: BLE001 - reported as a load error, like the real sandbox
        return RunReport((), ISOLATION, load_error=f"{type(exc).__name__}: {exc}")
    results = []
    for call in calls:
        start = time.perf_counter()
        try:
            result = _probe(fn, call) if isinstance(call, ModuleProbe) else _call(fn, call)
        except Exception as exc:  # noqa: BLE001
            tb = "".join(f for f in traceback.format_exception(exc) if filename in f)
            result = CallResult("exception", message=f"{type(exc).__name__}: {exc}", traceback=tb)
        results.append(CallResult(**{**result.__dict__, "seconds": time.perf_counter() - start}))
    return RunReport(tuple(results), ISOLATION)
