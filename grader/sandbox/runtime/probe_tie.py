"""Inside the child: a behaviour probe of a student's block with the reference's weights.

The parent sends, per accepted convention, the reference block's parametrized ops in the order its
forward uses them, each with its weights as plain arrays. Here the student's block is built from
positional arguments (the first argument list its signature accepts: ``Residual(in, out, ...)`` or
d2l's lazy ``Residual(out, ...)``), materialized by a dry forward, and traced; its parametrized ops
are tied to the reference's by use order within each (kind, parameter shapes) group, and where
that order may differ, by the other shape-consistent assignments (at most ``max_candidates``).
For each assignment the block runs every input (and the first one times ``LARGE``) in every mode with the weights reloaded first; the
outputs (and, for the first assignment and the first input, every tied op's input and output) go
back as ONE packed float64 array described by ``segments``. The expected outputs never come here.
"""

from __future__ import annotations

import inspect
import itertools
from collections import defaultdict

import numpy as np
import torch

from . import convert
from .probe_trace import ACTIVATIONS, OpTracer, refined, signature, tied_view

MAX_SEGMENTS = 4000
#: the last probe input is the first one times this: large values, where an activation that clips
#: (ReLU6, clamp, Hardtanh) departs from ReLU (the reference's side: ``module_reference``)
LARGE = 10.0


def grad_weights(shape) -> torch.Tensor:
    """The fixed output weights of the gradient probe: d(sum(y * w))/dx on both sides."""
    n = 1
    for d in shape:
        n *= int(d)
    return torch.cos(torch.arange(n, dtype=torch.float64)).reshape(tuple(shape))


def input_grad(model, x) -> np.ndarray | None:
    """d(sum(y * w))/dx in eval mode (None when the block's forward cannot be differentiated): a
    block that detaches a tensor or runs part of forward under no_grad computes another gradient."""
    model.eval()
    xg = x.clone().requires_grad_(True)
    try:
        with torch.enable_grad():
            y = model(xg * 1.0)  # not the leaf itself: a forward may write into its input
            if not isinstance(y, torch.Tensor) or not y.requires_grad:
                return None if not isinstance(y, torch.Tensor) else np.zeros(tuple(x.shape))
            (y * grad_weights(y.shape).to(y.dtype).to(y.device)).sum().backward()
    except RuntimeError:
        return None
    return None if xg.grad is None else xg.grad.detach().cpu().double().numpy()


def _construct(cls, call: dict, ctx: dict):
    """``cls(*args)`` for the first argument list its signature binds (index of that list too)."""
    options = [[convert.decode(v, ctx["inputs"], "torch") for v in args] for args in call["alternatives"]]  # fmt: skip
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        sig = None
    chosen = 0
    if sig is not None:
        for i, args in enumerate(options):
            try:
                sig.bind(*args)
            except TypeError:
                continue
            chosen = i
            break
    model = cls(*options[chosen])
    if not isinstance(model, torch.nn.Module):
        raise convert.InvalidOutput(f"{getattr(cls, '__name__', 'the entry')} did not return a torch.nn.Module")  # fmt: skip
    return model, chosen


def _assignments(mine: list, theirs: list, limit: int) -> list[dict[int, int]]:
    """Position assignments mine -> theirs within equal keys, order kept first, then permutations."""
    groups_m, groups_t = defaultdict(list), defaultdict(list)
    for p, k in enumerate(mine):
        groups_m[k].append(p)
    for p, k in enumerate(theirs):
        groups_t[k].append(p)
    if {k: len(v) for k, v in groups_m.items()} != {k: len(v) for k, v in groups_t.items()}:
        return []
    keys = list(groups_m)
    out = []
    for combo in _lazy_product([groups_m[k] for k in keys]):
        out.append({j: i for k, perm in zip(keys, combo, strict=True) for j, i in zip(perm, groups_t[k], strict=True)})  # fmt: skip
        if len(out) >= limit:
            break
    return out


def _lazy_product(groups: list[list[int]]):
    """The product of each group's permutations, produced lazily (``itertools.product`` would
    first list every permutation of every group: 60 equal-shaped ops would never finish)."""
    if not groups:
        yield ()
        return
    for head in itertools.permutations(groups[-1]):
        for rest in _lazy_product(groups[:-1]):
            yield (*rest, head)


def _structural(paths: list) -> list[tuple[str, ...]]:
    """Path kinds without activations (a wrong or missing activation keeps the wiring)."""
    return [tuple(k for k in p if k not in ACTIVATIONS) for p in paths]


def candidates(student: list[dict], reference: list[dict], limit: int) -> list[dict[int, int]]:
    """Assignments student op -> reference op (trace index -> reference position), best first.

    First by place in the data flow (each op's kind and parameter shapes, refined by the ops that
    feed it), in forward-use order; then by kind and parameter shapes alone (a block wired
    differently still gets the reference's weights, so that its first departure can be shown).
    Empty when the parametrized ops differ: nothing to tie.
    """
    tied, sigs, after, paths = tied_view(student)
    ref_sigs = [signature(op) for op in reference]
    ref_after = [list(op.get("after", [])) for op in reference]
    ref_paths = [tuple(op.get("path", ())) for op in reference]
    out: list[dict[int, int]] = []
    bare, ref_bare = _structural(paths), _structural(ref_paths)
    for mine, theirs in ((refined(sigs, after, paths), refined(ref_sigs, ref_after, ref_paths)),
                         (refined(sigs, after, bare), refined(ref_sigs, ref_after, ref_bare)),
                         (refined(sigs, after), refined(ref_sigs, ref_after)), (sigs, ref_sigs)):  # fmt: skip
        found = _assignments(mine, theirs, limit)
        if mine is sigs and found:  # wired differently: the most alike ops first, then in order
            found.insert(0, _closest(sigs, ref_sigs, (after, ref_after), (paths, ref_paths)))
        for m in found:
            mapping = {tied[j]: i for j, i in m.items()}
            if mapping not in out and len(out) < limit:
                out.append(mapping)
    return out


def _closest(sigs: list, ref_sigs: list, afters: tuple, paths: tuple) -> dict[int, int]:
    """Within each signature group, the assignment whose ops are most alike: the signatures of the
    ops feeding and fed by each, and the parameter-free op kinds before it (groups over 7: order)."""

    def features(sg: list, after: list, path: list, p: int) -> set:
        feeds = {("in", repr(sg[a]) if a >= 0 else "input") for a in after[p]}
        fed = {("out", repr(sg[q])) for q in range(len(sg)) if p in after[q]}
        return feeds | fed | {("path", k) for k in path[p]}

    mine = [features(sigs, afters[0], paths[0], p) for p in range(len(sigs))]
    theirs = [features(ref_sigs, afters[1], paths[1], p) for p in range(len(ref_sigs))]
    groups: dict = defaultdict(lambda: ([], []))
    for p, k in enumerate(sigs):
        groups[k][0].append(p)
    for p, k in enumerate(ref_sigs):
        groups[k][1].append(p)
    out: dict[int, int] = {}
    for js, is_ in groups.values():
        best = tuple(js)
        if len(js) <= 7:
            best = max(itertools.permutations(js), key=lambda perm: sum(len(mine[j] & theirs[i]) for j, i in zip(perm, is_, strict=True)))  # fmt: skip
        out.update(zip(best, is_, strict=True))
    return out


def _load(
    model: torch.nn.Module, student: list[dict], reference: list[dict], mapping, arrays
) -> None:
    """Copy the reference's weights into the parameters and buffers the student's ops used."""
    tensors: dict[str, torch.Tensor] = dict(model.named_parameters())
    tensors.update(dict(model.named_buffers()))
    with torch.no_grad():
        for j, i in mapping.items():
            for slot, value in zip(reference[i]["slots"], arrays[i], strict=True):
                target = tensors.get(student[j]["params"].get(slot, ""))
                if target is not None:
                    target.copy_(value.to(target.dtype).to(target.device).reshape(target.shape))


def _run(model, x, mode: str, keep: bool):
    model.train(mode == "train")
    x = x.clone()  # a forward that writes into its input must not change the next run's
    if not keep:
        with torch.no_grad():
            return model(x), None
    tracer = OpTracer(model, keep=True)
    tracer.start(x)
    with torch.no_grad(), tracer:
        y = model(x)
    return y, tracer


def _align(first: list[dict], again: list[dict]) -> dict[int, int]:
    """Trace index in ``first`` -> index of the same parametrized op (same kind and tensors, same
    occurrence) in ``again``: a forward in another mode may run other ops (BatchNorm's
    ``num_batches_tracked += 1`` in training, a branch on ``self.training``)."""

    def same(op: dict) -> tuple:
        return (op["kind"], tuple(sorted(op["params"].items())))

    where: dict = defaultdict(list)
    for i, op in enumerate(again):
        if op["params"]:
            where[same(op)].append(i)
    out, used = {}, defaultdict(int)
    for j, op in enumerate(first):
        if op["params"]:
            k = same(op)
            if used[k] < len(where[k]):
                out[j] = where[k][used[k]]
            used[k] += 1
    return out


def _add_values(packer, label: list, mapping: dict[int, int], student: list[dict], seen) -> None:
    """Each tied op's input and output in this run (``skip:i`` when this mode's forward skips it)."""
    align = _align(student, seen.ops)
    for j, i in mapping.items():
        a = align.get(j)
        if a is None:
            packer.add([*label, f"skip:{i}"], np.zeros((0,)))
        elif a in seen.values and seen.values[a][0] is not None:
            packer.add([*label, f"in:{i}"], seen.values[a][0].numpy())
            packer.add([*label, f"op:{i}"], seen.values[a][1].numpy())
            if "training" in seen.ops[a]["attrs"]:  # batch stats or running stats, in this run
                packer.add(
                    [*label, f"bn:{i}"], np.array([float(bool(seen.ops[a]["attrs"]["training"]))])
                )


class _Packer:
    def __init__(self, max_bytes: int) -> None:
        self.parts: list[np.ndarray] = []
        self.segments: list[list] = []
        self.size = 0
        self.max = max_bytes // 8

    def add(self, label: list, value) -> None:
        arr = value if isinstance(value, np.ndarray) else convert.to_array(value, self.max * 8)
        arr = np.asarray(arr, dtype=np.float64)
        if self.size + arr.size > self.max or len(self.segments) >= MAX_SEGMENTS:
            raise convert.InvalidOutput("the block's outputs are larger than the output limit")
        self.parts.append(arr.reshape(-1))
        self.segments.append([*label, list(arr.shape)])
        self.size += arr.size

    def array(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros((0,))


def run_tied(cls, call: dict, ctx: dict) -> dict:
    """See the module docstring; returns the JSON facts, the packed array is saved as output 0."""
    torch.manual_seed(call["seed"])
    device = ctx.get("device")
    backend = f"torch:{device}" if device else "torch"
    refs = []
    for r in call["references"]:
        arrays = [
            [convert.decode(a, ctx["inputs"], backend) for a in op["arrays"]] for op in r["ops"]
        ]
        ops = [{**op, "shapes": {s: list(a.shape) for s, a in zip(op["slots"], arr, strict=True)}}
               for op, arr in zip(r["ops"], arrays, strict=True)]  # fmt: skip
        refs.append((r["name"], ops, arrays))
    packer = _Packer(ctx["max_output_bytes"])
    with ctx["guard"]():
        model, chosen = _construct(cls, call, ctx)
        if device:
            model.to(device)
        xs = [convert.decode(spec, ctx["inputs"], backend) for spec in call["inputs"]]
        xs.append(xs[0] * LARGE)
        model.eval()
        with torch.no_grad():
            model(xs[0].clone())  # materializes lazy layers before anything reads the parameters
        tracer = OpTracer(model)
        x0 = xs[0].clone()
        tracer.start(x0)
        with torch.no_grad(), tracer:
            y = model(x0)
        student = tracer.ops
        if isinstance(y, (tuple, list)):
            raise convert.InvalidOutput(f"forward returned a {type(y).__name__}, not a tensor: return the block's output only")  # fmt: skip
        output = tracer.source(y) if isinstance(y, torch.Tensor) else -2
        packer.add([0, 0, 0, "eval", "raw"], y)  # its own weights: for the output shape only
        found = []
        for r, (_, ops, arrays) in enumerate(refs):
            maps = candidates(student, ops, int(call.get("max_candidates", 6)))
            found.append(len(maps))
            for c, mapping in enumerate(maps):
                for k, x in enumerate(xs):
                    for mode in call["modes"]:
                        _load(model, student, ops, mapping, arrays)
                        keep = c == 0 and k == 0
                        y, seen = _run(model, x, mode, keep)
                        packer.add([r, c, k, mode, "out"], y)
                        if seen is not None:
                            _add_values(packer, [r, c, k, mode], mapping, student, seen)
                        if mode == "eval" and k == 0:
                            _load(model, student, ops, mapping, arrays)
                            g = input_grad(model, x)
                            if g is not None:
                                packer.add([r, c, k, "grad", "out"], g)
                        if mode == "train":  # eval, with the running stats this forward left
                            y, _ = _run(model, x, "eval", False)
                            packer.add([r, c, k, "after_train", "out"], y)
    convert.save_outputs([packer.array()], ctx["index"], ctx["job_fd"])
    params = int(sum(np.prod(p.shape) for p in model.parameters()))
    facts = {
        "trace": student,
        "output": output,
        "segments": packer.segments,
        "candidates": found,
        "arguments": chosen,
    }
    return {"status": "ok", "n_out": 1, "parameters": params, "probe": facts}
