"""Which layers differ when no accepted convention's parametrized ops match the student's: the
multiset of (kind, parameter shapes) against each convention's, conv biases named apart."""

from __future__ import annotations

from collections import Counter

from cnngrade.exercises.core import Text
from cnngrade.grader.code.module_reference import ReferenceRun
from cnngrade.grader.sandbox.runtime.probe_trace import signature


def describe_signature(sig: tuple) -> str:
    kind, shapes = sig[0], dict(sig[1])
    bias = ", bias" if "bias" in shapes else ""
    w = shapes.get("weight")
    if kind == "conv2d" and w and len(w) == 4:
        return f"Conv2d({w[1]}, {w[0]}, {w[2]}x{w[3]}{bias})"
    if kind == "linear" and w and len(w) == 2:
        return f"Linear({w[1]}, {w[0]}{bias})"
    if kind == "batch_norm":
        c = (w or shapes.get("running_mean") or [0])[0]
        extra = ("" if w else ", affine=False") + ("" if "running_mean" in shapes else ", track_running_stats=False")  # fmt: skip
        return f"BatchNorm2d({c}{extra})"
    return kind


def _strip(sig: tuple) -> tuple:
    return (sig[0], tuple(x for x in sig[1] if x[0] != "bias"))


def _layers(ref: ReferenceRun) -> Counter:
    return Counter(signature(ref.ops[t]) for t in ref.tied)


def _unbiased(layers: Counter) -> Counter:
    return Counter(map(_strip, layers.elements()))


def _distance(a: Counter, b: Counter) -> int:
    return sum(((a - b) + (b - a)).values())


def structure(trace: list[dict], refs: tuple[ReferenceRun, ...]) -> Text:
    """No convention's parametrized ops match the student's: which layers differ, biases first."""
    mine = Counter(signature(op) for op in trace if op["params"])
    if not mine:
        return Text("forward uses none of the block's own parameters: create the layers in __init__ "
                     "(as attributes, nn.Sequential, nn.ModuleList ...) and use them in forward",
                     "forward 没有使用模块自己的参数：请在 __init__ 中创建各层（属性、nn.Sequential、nn.ModuleList 等）"
                     "并在 forward 中使用")  # fmt: skip
    theirs = {r.convention: _layers(r) for r in refs}
    # closest first: a different layer weighs more than a bias present on one side only
    ranked = sorted(refs, key=lambda r: 10 * _distance(_unbiased(mine), _unbiased(theirs[r.convention]))
                    + _distance(mine, theirs[r.convention]))  # fmt: skip
    parts = [_layer_diff(mine, theirs[r.convention]) for r in ranked]
    accepted = ", ".join(r.convention for r in refs)
    return Text(f"the layers match no accepted convention ({accepted}); "
                 + "; ".join(f"against {r.convention}: {p.en}" for r, p in zip(ranked, parts, strict=True)),
                 f"各层与任何可接受的写法（{accepted}）都不一致；"
                 + "；".join(f"与 {r.convention} 相比：{p.zh}" for r, p in zip(ranked, parts, strict=True)))  # fmt: skip


def _layer_diff(mine: Counter, theirs: Counter) -> Text:
    s_mine, s_theirs = _unbiased(mine), _unbiased(theirs)
    parts_en, parts_zh = [], []
    missing, extra = s_theirs - s_mine, s_mine - s_theirs
    if missing:
        listed = ", ".join(describe_signature(s) for s in missing.elements())
        parts_en.append(f"missing {listed}")
        parts_zh.append(f"缺少 {listed}")
    if extra:
        listed = ", ".join(describe_signature(s) for s in extra.elements())
        parts_en.append(f"extra {listed}")
        parts_zh.append(f"多出 {listed}")
    note = _bias_note(mine, theirs, s_mine == s_theirs)
    if note is not None:
        parts_en.append(note.en)
        parts_zh.append(note.zh)
    return Text(", ".join(parts_en), "，".join(parts_zh))


def _bias_note(mine: Counter, theirs: Counter, same_layers: bool) -> Text | None:
    """Conv biases, when they are what differs: all vs none, or the only difference."""

    def share(c: Counter) -> tuple[int, int]:
        convs = [s for s in c.elements() if s[0] == "conv2d"]
        return sum("bias" in dict(s[1]) for s in convs), len(convs)

    (b_m, n_m), (b_t, n_t) = share(mine), share(theirs)
    if n_m and b_m == n_m and b_t == 0 and n_t:
        return Text("your convolutions have a bias where the reference's have none (bias=False: a BatchNorm follows)",
                    "你的卷积带偏置，参考实现的没有（bias=False：后面接 BatchNorm）")  # fmt: skip
    if n_t and b_m == 0 and b_t == n_t and n_m:
        return Text(
            "your convolutions lack the bias the reference's have", "你的卷积缺少参考实现中的偏置"
        )
    if same_layers and mine != theirs:
        extra = [describe_signature(s) for s in (mine - theirs).elements()]
        return Text(f"these convolutions differ in their bias: yours {', '.join(extra)}",
                    f"这些卷积的偏置不同：你的 {', '.join(extra)}")  # fmt: skip
    return None
