"""Say where a student's block departs from the reference: the first tied op whose input or output
differs, what each side applies before it, or, when no weights could be tied, which layers differ.

Everything here reads the child's untrusted facts only in the forms ``judge_module`` has checked
(``unpack``, ``clean_trace``); the layer diff is ``module_structure``, patterns ``module_patterns``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from cnngrade.exercises.core import Text
from cnngrade.grader.code.module_patterns import affine, close, concat_order
from cnngrade.grader.code.module_reference import ReferenceRun
from cnngrade.grader.sandbox.runtime.probe_trace import ancestors

_SHORT = {"conv2d": "conv", "batch_norm": "bn", "linear": "fc"}
_SHOWN = {
    "relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu6": "ReLU6", "leaky_relu": "LeakyReLU",
    "gelu": "GELU", "silu": "SiLU", "elu": "ELU", "softmax": "Softmax", "log_softmax": "LogSoftmax",
    "max_pool2d": "max pooling", "avg_pool2d": "average pooling", "adaptive_avg_pool2d": "adaptive average pooling",
    "adaptive_max_pool2d": "adaptive max pooling", "add": "a sum (+)", "sub": "a subtraction",
    "mul": "a multiplication", "div": "a division", "neg": "a negation", "cat": "a concatenation",
    "abs": "abs", "clamp": "clamp", "hardtanh": "Hardtanh (nn.ReLU6 is one)", "dropout": "Dropout",
    "pad": "an explicit pad (F.pad, or a padding_mode other than zeros)", "stack": "a stack (torch.stack: a new dimension)",
}  # fmt: skip
_SHOWN_ZH = {"max_pool2d": "最大池化", "avg_pool2d": "平均池化", "add": "加法 (+)", "cat": "拼接", "mul": "乘法",
             "sub": "减法", "div": "除法", "neg": "取负"}  # fmt: skip
_ACTIVATIONS = ("relu", "sigmoid", "tanh", "relu6", "leaky_relu", "gelu", "silu", "elu", "hardtanh")


def names(ref: ReferenceRun) -> dict[int, str]:
    """conv1, bn1, conv2 ... for the reference's parametrized ops, numbered in use order."""
    seen: Counter = Counter()
    out = {}
    for t in ref.tied:
        kind = ref.ops[t]["kind"]
        seen[kind] += 1
        out[t] = f"{_SHORT.get(kind, kind)}{seen[kind]}"
    return out


def _pair(v) -> tuple:
    if isinstance(v, (list, tuple)):
        return tuple(v) if len(v) != 1 else (v[0], v[0])
    return (v, v)


def _op_text(op: dict, lang: str) -> str:
    kind, attrs = op["kind"], op.get("attrs", {})
    base = _SHOWN.get(kind, kind) if lang == "en" else _SHOWN_ZH.get(kind, _SHOWN.get(kind, kind))
    if kind in ("max_pool2d", "avg_pool2d") and "kernel_size" in attrs:
        stride = (
            attrs.get("stride") if attrs.get("stride") not in (None, []) else attrs["kernel_size"]
        )
        ceil = ", ceil_mode" if attrs.get("ceil_mode") else ""
        return f"{base} ({_fmt(attrs['kernel_size'])}, stride {_fmt(stride)}{ceil})"
    if kind in ("mul", "add", "sub", "div") and "scalar" in attrs:
        return f"{base} by {attrs['scalar']:g}" if lang == "en" else f"{base} {attrs['scalar']:g}"
    return base


def _fmt(v) -> str:
    p = _pair(v)
    return str(p[0]) if len(p) == 2 and p[0] == p[1] else "x".join(str(x) for x in p)


def chain(ops, index: int) -> list[int]:
    """The parameter-free ops between ``index``'s parametrized ancestors and it, in forward order
    (following first inputs; a sum or concatenation ends the walk)."""
    out: list[int] = []
    seen = set()
    if 0 <= index < len(ops) and ops[index]["params"]:
        return out
    while 0 <= index < len(ops) and index not in seen:
        seen.add(index)
        op = ops[index]
        if op["params"] and out:
            break
        if not op["params"]:
            out.append(index)
            if op["kind"] in ("add", "cat", "sub", "stack"):
                break
        ins = [j for j in op["inputs"] if j < index]
        if not ins:
            break
        index = ins[0]
    return out[::-1]


def _chain_before(ops, t: int) -> list[int]:
    ins = [j for j in ops[t]["inputs"] if j < t]
    return chain(ops, ins[0]) if ins else []


def _labels(ops, j: int, label: dict[int, str], feeds, depth: int = 0) -> list[str]:
    """What a concatenation part is: ``input``, the ops it comes from, or an earlier concat's parts."""
    if j == -1:
        return ["input"]
    if j < 0 or depth > 16:
        return ["?"]
    if ops[j]["kind"] == "cat":
        return [x for i in ops[j]["inputs"][:16] if i < j for x in _labels(ops, i, label, feeds, depth + 1)][:32]  # fmt: skip
    if ops[j]["params"]:
        return [label.get(j, "?")]
    srcs = [label.get(a, "input") if a >= 0 else "input" for a in feeds[j]]
    return ["+".join(srcs) or "?"]


def _describe(ops, idxs: list[int], lang: str, label: dict[int, str] | None = None) -> str:
    feeds = None  # the data flow, traced only when a concatenation needs its parts named
    shown = []
    for i in idxs:
        text = _op_text(ops[i], lang)
        if ops[i]["kind"] == "cat" and label is not None:
            feeds = ancestors(list(ops)) if feeds is None else feeds
            parts = [x for j in ops[i]["inputs"] for x in _labels(ops, j, label, feeds)]
            text += f" of ({', '.join(parts)})"
        shown.append(text)
    if not shown:
        return "nothing" if lang == "en" else "无操作"
    return ", ".join(shown) if lang == "en" else "、".join(shown)


_EXPR = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "max_pool2d": "MaxPool", "avg_pool2d": "AvgPool",
         "adaptive_avg_pool2d": "AdaptiveAvgPool", "neg": "-", "abs": "abs", "clamp": "clamp"}  # fmt: skip


def expression(
    ops, j: int, label: dict[int, str], depth: int = 0, budget: list | None = None
) -> str:
    """What op ``j`` computes, written with the tied ops' names: ``ReLU(bn2 + x)`` (at most 60
    terms: a wide or deep graph is cut with ``…``)."""
    budget = [60] if budget is None else budget
    budget[0] -= 1
    if j == -1:
        return "x"
    if j < 0 or j >= len(ops) or depth > 12 or budget[0] < 0:
        return "…"
    op = ops[j]
    if op["params"]:
        return label.get(j, op["kind"])
    args = [expression(ops, i, label, depth + 1, budget) for i in op["inputs"][:8] if i < j] or [
        "…"
    ]
    scalar = op.get("attrs", {}).get("scalar")
    if op["kind"] in ("add", "sub", "mul", "div"):
        sign = {"add": " + ", "sub": " - ", "mul": "·", "div": "/"}[op["kind"]]
        terms = args + ([f"{scalar:g}"] if scalar is not None else [])
        return "(" + sign.join(terms) + ")" if depth else sign.join(terms)
    if op["kind"] in ("cat", "stack"):
        return f"{op['kind']}({', '.join(a[1:-1] if a.startswith('(') and a.endswith(')') else a for a in args)})"
    name = _EXPR.get(op["kind"], op["kind"])
    inner = args[0][1:-1] if args[0].startswith("(") and args[0].endswith(")") else args[0]
    return f"{name}({inner})"


def _agree_through(ref: ReferenceRun, t: int, itself: bool = False) -> tuple[str, str]:
    label = names(ref)
    if itself and t in label:
        return label[t], label[t]
    feeds = ancestors(list(ref.ops))[t] if t >= 0 else []
    srcs = [label.get(a, "") for a in feeds if a >= 0]
    if not srcs:
        return "the input", "输入"
    return ", ".join(srcs), "、".join(srcs)


def before(
    ref: ReferenceRun, t: int, trace: list[dict], j: int, s_in, mode: str, smap: dict
) -> Text:
    """The input of reference op ``t`` (student op ``j``) differs: say what comes before it."""
    name = names(ref)[t]
    ref_chain, mine = _chain_before(ref.ops, t), _chain_before(trace, j)
    ins = [i for i in ref.ops[t]["inputs"] if i < t]
    e_in = ref.values.get(mode, {}).get(t, (None, None))[0]
    if _reordered(s_in, e_in):
        return Text(f"{name} gets the right values in another order: flatten (N, C, H, W) as the reference "
                     "does (x.flatten(1), x.view(x.size(0), -1)), not channels-last",
                     f"{name} 的输入数值正确但顺序不同：请按 (N, C, H, W) 展平（x.flatten(1)、x.view(x.size(0), -1)），"
                     "不要先把通道移到最后")  # fmt: skip
    order = concat_order(s_in, ref, mode, ins[0]) if ins else None
    if order is not None:
        return Text(f"the concatenation order is ({', '.join(order[0])}); expected ({', '.join(order[1])}) "
                     f"(at the input of {name})",
                     f"拼接顺序为 ({', '.join(order[0])})，应为 ({', '.join(order[1])})（{name} 的输入处）")  # fmt: skip
    my_ins = [i for i in trace[j]["inputs"] if i < j] if 0 <= j < len(trace) else []
    ends = (ins[0] if ins else -2, my_ins[0] if my_ins else -2)
    theirs, yours = _sources(list(ref.ops), t, names(ref)), _sources(trace, j, smap)
    joins = {trace[i]["kind"] for i in mine} - {ref.ops[i]["kind"] for i in ref_chain}
    if theirs != yours and not joins & {
        "add",
        "cat",
    }:  # a sum or concat in the wrong place says more
        return Text(f"{name} reads {theirs} in the reference (then {_describe(ref.ops, ref_chain, 'en', names(ref))}); "
                     f"yours reads {yours} (then {_describe(trace, mine, 'en', smap)})",
                     f"参考实现中 {name} 的输入来自 {theirs}（之后 {_describe(ref.ops, ref_chain, 'zh', names(ref))}）；"
                     f"你的来自 {yours}（之后 {_describe(trace, mine, 'zh', smap)}）")  # fmt: skip
    return _differ(ref, trace, ref_chain, mine, _agree_through(ref, t), name, smap, ends)


def _sources(ops, t: int, label: dict[int, str]) -> str:
    """The tied ops (or the input) whose outputs reach op ``t`` through parameter-free ops."""
    feeds = ancestors(list(ops))[t] if 0 <= t < len(ops) else []
    found = sorted({label.get(a, "?") if a >= 0 else "the input" for a in feeds})
    return " and ".join(found) or "nothing"


def _differ(ref, trace, ref_chain, mine, through, name, smap, ends) -> Text:
    ref_kinds = [ref.ops[i]["kind"] for i in ref_chain]
    kinds = [trace[i]["kind"] for i in mine]
    label = names(ref)
    ref_text, text = _describe(ref.ops, ref_chain, "en", label), _describe(trace, mine, "en", smap)
    ref_zh, zh = _describe(ref.ops, ref_chain, "zh", label), _describe(trace, mine, "zh", smap)
    where = f"before {name}" if name else "at the output"
    where_zh = f"{name} 之前" if name else "输出处"
    if "add" in kinds and "add" not in ref_kinds and name:
        return Text(f"the shortcut is added before {name}; the reference adds it later (outputs agree "
                     f"through {through[0]}; then the reference applies {ref_text}, yours {text})",
                     f"捷径在 {name} 之前就相加了；参考实现在之后才相加（到 {through[1]} 为止输出一致；"
                     f"之后参考实现为 {ref_zh}，你的为 {zh}）")  # fmt: skip
    if "add" in ref_kinds and "add" not in kinds:
        return Text(f"outputs agree through {through[0]}; the reference then adds the shortcut ({ref_text}), "
                     f"yours applies {text} {where}: is the shortcut added?",
                     f"到 {through[1]} 为止输出一致；参考实现随后加上捷径（{ref_zh}），你的在{where_zh}为 {zh}：捷径加上了吗？")  # fmt: skip
    ref_acts = [k for k in ref_kinds if k in _ACTIVATIONS]
    acts = [k for k in kinds if k in _ACTIVATIONS]
    target = f"between {through[0]} and {name}" if name else f"after {through[0]}"
    target_zh = f"{through[1]} 与 {name} 之间" if name else f"{through[1]} 之后"
    if ref_acts and not acts:
        return Text(f"no activation {target}: the reference applies {ref_text}, yours {text}",
                     f"{target_zh}缺少激活函数：参考实现为 {ref_zh}，你的为 {zh}")  # fmt: skip
    if ref_text == text:  # the same ops in between, wired otherwise: show both as formulas
        ref_expr, expr = expression(ref.ops, ends[0], label), expression(trace, ends[1], smap)
        if ref_expr != expr:
            return Text(f"outputs agree through {through[0]}; then the reference computes {ref_expr}, yours {expr}",
                         f"到 {through[1]} 为止输出一致；之后参考实现计算 {ref_expr}，你的计算 {expr}")  # fmt: skip
        return Text(f"outputs agree through {through[0]}; {where} both compute {expr} but the values differ: "
                     "check which tensor goes where",
                     f"到 {through[1]} 为止输出一致；{where_zh}两者都计算 {expr}，但数值不同：检查各张量的连接")  # fmt: skip
    return Text(f"outputs agree through {through[0]}; after it the reference applies {ref_text}, yours {text}",
                 f"到 {through[1]} 为止输出一致；之后参考实现为 {ref_zh}，你的为 {zh}")  # fmt: skip


_HYPER_SHOWN = ("stride", "padding", "dilation", "groups", "kernel_size", "eps")


def at(
    ref: ReferenceRun, t: int, trace: list[dict], j: int, mode: str, batch: bool | None = None
) -> Text:
    """Same input and weights, different output: a hyper-parameter (or the BN mode) differs.
    ``batch``: whether the student's BN used batch statistics in this mode's run (``trace`` is the
    eval-mode trace: its ``training`` flag holds for eval only)."""
    name = names(ref)[t]
    mine, theirs = trace[j].get("attrs", {}), ref.ops[t].get("attrs", {})
    if batch is None and mode == "eval" and "training" in mine:
        batch = bool(mine["training"])
    if ref.ops[t]["kind"] == "batch_norm" and batch is not None and batch != (mode == "train"):
        stats = "batch statistics" if batch else "running statistics"
        return Text(f"in {mode} mode your {name} normalizes with {stats}; the reference uses the other ones "
                     "(do not pass training= yourself; BatchNorm2d follows the module's mode)",
                     f"{mode} 模式下你的 {name} 使用了{'批统计量' if batch else '滑动统计量'}；参考实现相反"
                     "（不要自己传 training=；BatchNorm2d 随模块模式变化）")  # fmt: skip
    differ = [
        a for a in _HYPER_SHOWN if a in mine and a in theirs and _pair(mine[a]) != _pair(theirs[a])
    ]
    if len(differ) == 1:
        a = differ[0]
        return Text(f"{name} uses {a} {_fmt(mine[a])}, the reference {_fmt(theirs[a])}",
                     f"{name} 的 {a} 为 {_fmt(mine[a])}，参考实现为 {_fmt(theirs[a])}")  # fmt: skip
    if differ:  # every one that differs: dilation 2 often comes with padding 2
        yours = ", ".join(f"{a} {_fmt(mine[a])}" for a in differ)
        ref_ = ", ".join(f"{a} {_fmt(theirs[a])}" for a in differ)
        return Text(f"{name} uses {yours}; the reference {ref_}",
                     f"{name} 的 {yours.replace(', ', '、')}；参考实现为 {ref_.replace(', ', '、')}")  # fmt: skip
    return Text(f"{name} gets the right input and weights but gives another output",
                 f"{name} 的输入与权重都正确，但输出不同")  # fmt: skip


def after(
    ref: ReferenceRun, trace: list[dict], out_src: int, student, expected, mode: str, smap: dict
) -> Text:
    """Every tied op agrees: the difference is in what follows the last of them."""
    order = concat_order(student, ref, mode, ref.output)
    if order is not None:
        return Text(f"the concatenation order is ({', '.join(order[0])}); expected ({', '.join(order[1])})",
                     f"拼接顺序为 ({', '.join(order[0])})，应为 ({', '.join(order[1])})")  # fmt: skip
    scaled = affine(np.asarray(student, dtype=np.float64), expected)
    if scaled is not None:
        return Text(f"your output is the reference's times {scaled[0]:.4g} plus {scaled[1]:.4g}: remove the "
                     "extra scaling or shift at the end",
                     f"你的输出等于参考输出乘 {scaled[0]:.4g} 再加 {scaled[1]:.4g}：去掉末尾多余的缩放或平移")  # fmt: skip
    dims = _cat_dims(ref, trace, out_src)
    if dims is not None:
        return Text(f"you concatenate on dim {dims[0]}; the reference on dim {dims[1]} (the channels)",
                     f"你在第 {dims[0]} 维拼接；参考实现在第 {dims[1]} 维（通道）")  # fmt: skip
    ref_chain = chain(list(ref.ops), ref.output)
    mine = chain(trace, out_src) if 0 <= out_src < len(trace) else []
    through = _agree_through(ref, ref.output, itself=True)
    return _differ(ref, trace, ref_chain, mine, through, "", smap, (ref.output, out_src))


def skipped(ref: ReferenceRun, t: int, mode: str) -> Text:
    """The block uses op ``t`` in eval mode but its forward in ``mode`` skips it."""
    name = names(ref)[t]
    return Text(f"in {mode} mode your block does not apply {name} (it does in eval mode): do not branch "
                 "on self.training; the layers follow the module's mode themselves",
                 f"{mode} 模式下你的模块没有使用 {name}（评估模式下使用了）：不要根据 self.training 分支；"
                 "各层会自行随模块模式变化")  # fmt: skip


def running_stats(ref: ReferenceRun, trace: list[dict], mapping: dict[int, int]) -> Text:
    """Outputs agree in both modes; only the running stats a training forward leaves differ."""
    label = names(ref)
    for j, p in sorted(mapping.items()):
        t = ref.tied[p]
        mine, theirs = trace[j].get("attrs", {}), ref.ops[t].get("attrs", {})
        if ref.ops[t]["kind"] == "batch_norm" and mine.get("momentum") != theirs.get("momentum"):
            return Text(f"{label[t]} uses momentum {mine.get('momentum')}, the reference {theirs.get('momentum')}: "
                         "after a training-mode forward the running statistics differ (PyTorch's momentum is "
                         "the weight of the new batch: 0.1, where Keras writes 0.9)",
                         f"{label[t]} 的 momentum 为 {mine.get('momentum')}，参考实现为 {theirs.get('momentum')}："
                         "训练模式前向之后滑动统计量不同（PyTorch 的 momentum 是新批次的权重：0.1，Keras 写作 0.9）")  # fmt: skip
    return Text("outputs agree in eval and training mode, but after a training-mode forward the running "
                 "statistics differ from the reference's: check BatchNorm2d's momentum and track_running_stats",
                 "评估与训练模式下输出一致，但训练模式前向之后滑动统计量与参考实现不同："
                 "请检查 BatchNorm2d 的 momentum 与 track_running_stats")  # fmt: skip


def _cat_dims(ref: ReferenceRun, trace: list[dict], out_src: int) -> tuple[int, int] | None:
    """(your dim, the reference's) when both outputs are concatenations on different dimensions."""

    def dim(op: dict) -> int | None:
        d, n = op.get("attrs", {}).get("dim", 0), len(op.get("out_shape", []))
        return d + n if type(d) is int and d < 0 else d if type(d) is int else None

    theirs = ref.ops[ref.output] if 0 <= ref.output < len(ref.ops) else None
    mine = trace[out_src] if 0 <= out_src < len(trace) else None
    if not (theirs and mine and theirs["kind"] == mine["kind"] == "cat"):
        return None
    a, b = dim(mine), dim(theirs)
    return (a, b) if a is not None and b is not None and a != b else None


def large(ref: ReferenceRun, trace: list[dict], factor: float, mode: str) -> Text:
    """Outputs agree on the inputs but not on the first one times ``factor`` (large values)."""
    acts = (*_ACTIVATIONS, "clamp")
    theirs = Counter(op["kind"] for op in ref.ops if op["kind"] in acts)
    mine = Counter(op["kind"] for op in trace if op["kind"] in acts)
    head = (f"outputs agree on the inputs but differ on the first input times {factor:g} ({mode} mode): ",
            f"在各输入上输出一致，但在第一个输入乘以 {factor:g} 后不同（{mode} 模式）：")  # fmt: skip
    odd = [k for k in mine if k not in theirs]
    if odd:
        what = ", ".join(_SHOWN.get(k, k) for k in odd)
        ref_acts = ", ".join(_SHOWN.get(k, k) for k in sorted(theirs)) or "none"
        return Text(head[0] + f"on large values your {what} departs from the reference's {ref_acts}",
                     head[1] + f"数值较大时你的 {what} 与参考实现的 {ref_acts} 不同")  # fmt: skip
    fewer = [k for k in theirs if mine[k] < theirs[k]]
    if fewer:
        k = fewer[0]
        return Text(head[0] + f"your block applies {_SHOWN.get(k, k)} {mine[k]} times, the reference "
                     f"{theirs[k]}: is an activation missing?",
                     head[1] + f"你的模块使用 {_SHOWN.get(k, k)} {mine[k]} 次，参考实现 {theirs[k]} 次：是否缺少激活函数？")  # fmt: skip
    return Text(head[0] + "check the activations and anything that depends on the size of the values",
                 head[1] + "请检查激活函数以及与数值大小有关的操作")  # fmt: skip


def _reordered(got, expected) -> bool:
    """The same values per sample in another order (a flatten in another layout)."""
    if got is None or expected is None or np.shape(got) != np.shape(expected) or np.ndim(got) != 2:
        return False
    return close(np.sort(got, axis=1), np.sort(expected, axis=1)) and not close(got, expected)
