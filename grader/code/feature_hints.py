""" "Fails only when F": features that explain which cases fail.

A case's features (``exercise.features(params)``: ``stride``, ``padding``, ``groups`` ...) are what
it exercises beyond the simplest call. A set S of features explains the open failures when every
open failing case has a feature of S and every other case without one passes. Of the sets that do
(at most three features, each the only one of S in some failing case, and at least two passing
cases without any of them to contrast with), the one kept has the highest
share of failing cases among the cases with S (a feature most of whose cases pass, such as a bias
that nearly every case has, says little), a small penalty per extra feature, then the fewest cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from cnngrade.exercises.core import Text
from cnngrade.grader.code.hints import Hint
from cnngrade.grader.code.judge import CaseOutcome

#: name: (what the case has, what to check), in both languages.
FEATURE_HINTS: dict[str, tuple[Text, Text]] = {
    "batch": (Text("more than one batch item", "批大小大于 1"),
              Text("loop over (or broadcast across) every sample", "对每个样本循环（或广播）")),
    "channels": (Text("more than one input channel", "输入通道多于 1"),
                 Text("sum over the input channels", "应对输入通道求和")),
    "overlap": (Text("overlapping windows (stride < kernel)", "窗口重叠（步幅小于核）"),
                Text("accumulate gradients with +=", "梯度要用 += 累加")),
    "planes": (Text("more than one channel", "通道数大于 1"),
               Text("pool every channel on its own, keeping the channel axis",
                    "每个通道单独池化，保留通道维")),
    "ties": (Text("small-integer data (tied maxima in a window)", "小整数数据（窗口内有并列最大值）"),
             Text("route the gradient to the first maximum only", "梯度只传给第一个最大值")),
    "stride": (Text("stride > 1", "步幅大于 1"),
               Text("check how you step the window and the output size", "检查窗口移动与输出尺寸")),
    "padding": (Text("padding", "有填充"), Text("check your padding", "检查你的填充")),
    "dilation": (Text("dilation > 1", "空洞大于 1"),
                 Text("the kernel taps are d apart", "卷积核各点相隔 d")),
    "groups": (Text("groups > 1", "分组数大于 1"),
               Text("each group sees only its own channels", "每组只看自己的通道")),
    "uneven": (Text("an (H, W) pair of two different values", "参数为取值不同的 (H, W) 二元组"),
               Text("kernel_size, stride, padding and dilation may be pairs: use the first value "
                    "for rows and the second for columns",
                    "kernel_size、stride、padding、dilation 都可能是二元组：第一个值用于行方向，"
                    "第二个值用于列方向")),
    "non_square": (Text("non-square inputs or kernels (H ≠ W or kH ≠ kW)",
                        "非方形的输入或卷积核（H ≠ W 或 kH ≠ kW）"),
                   Text("use the height sizes for rows and the width sizes for columns",
                        "行方向用高度相关的尺寸，列方向用宽度相关的尺寸")),
    "bias": (Text("a bias", "有偏置"), Text("add bias[c] to output channel c", "给输出通道 c 加上 bias[c]")),
    "output_padding": (Text("output_padding", "output_padding"),
                       Text("it adds rows/cols at the bottom/right", "它在下/右侧增加行列")),
    "multiplier": (Text("a depth multiplier m > 1", "深度乘数 m 大于 1"),
                   Text("output channel j reads input channel j // m", "输出通道 j 读取输入通道 j // m")),
    "default_stride": (Text("stride left out", "省略 stride"),
                       Text("it then equals kernel_size", "此时它等于 kernel_size")),
    "floor": (Text("(H + 2p - k) not a multiple of the stride", "(H + 2p - k) 不是步幅的倍数"),
              Text("the output size rounds down", "输出尺寸向下取整")),
}  # fmt: skip

#: The feature a named hint is about: "fails with F" adds nothing next to it (the leftover cases
#: of the same bug, where the named pattern could not be checked, e.g. a border with no interior).
ABOUT: dict[str, str] = {
    "padding_border": "padding", "empty_slice_zero_padding": "padding",
    "one_sided_padding": "padding", "one_sided_padding_end": "padding",
    "zero_padding_max": "padding", "divisor_excludes_padding": "padding",
    "dx_still_padded": "padding", "padding_not_cropped": "padding",
    "missing_bias": "bias", "missing_depthwise_bias": "bias",
    "channels_not_summed": "channels", "depthwise_sums_channels": "channels",
    "stride_rows_only": "stride", "stride_default_one": "default_stride",
    "no_output_padding": "output_padding", "transposed": "non_square",
    "ties_to_all_maxima": "ties", "ties_to_last_maximum": "ties",
}  # fmt: skip

_MAX_FEATURES = 3
#: Passing cases without the chosen features needed to say "only with F" (one could be chance).
_MIN_CONTRAST = 2
_PER_EXTRA_FEATURE = 0.15
#: Statuses that say nothing about the case's features (the run stopped, a forbidden call).
_UNINFORMATIVE = ("not_run", "forbidden", "crashed")


def _text(name: str, chosen: Sequence[str], besides: bool) -> Text:
    has, advice = FEATURE_HINTS[name]
    if has.zh[-1:].isascii():  # "步幅大于 1 时", not "1时"
        has = Text(has.en, has.zh + " ")
    lead = (
        Text("Among the cases no other hint explains, your", "在其他提示未能解释的用例中，你的")
        if besides
        else Text("Your", "你的")
    )
    if len(chosen) == 1:
        return Text(f"{lead.en} code fails only with {has.en}: {advice.en}.",
                    f"{lead.zh}代码只在{has.zh}时出错：{advice.zh}。")  # fmt: skip
    listed = Text(
        "; ".join(FEATURE_HINTS[n][0].en for n in chosen),
        "；".join(FEATURE_HINTS[n][0].zh for n in chosen),
    )
    return Text(
        f"{lead.en} code fails with {has.en}: {advice.en}. (Each failing case has one of: "
        f"{listed.en}; the others pass.)",
        f"{lead.zh}代码在{has.zh}时出错：{advice.zh}。（每个出错用例都具备以下之一：{listed.zh}；"
        "其余用例都通过。）",
    )


def feature_hints(
    outcomes: Sequence[CaseOutcome],
    features: Callable[[dict], tuple[str, ...]] | None,
    open_: set[int],
) -> list[tuple[Hint, set[int]]]:
    """One hint per feature of the best explaining set (see the module docstring), with the open
    failing cases each explains; nothing when no set explains them or no case passes.

    Failing cases outside ``open_`` (explained by another hint) are left out of the analysis; the
    hint then says so, and every remaining case with a chosen feature must fail (a
    weaker pattern among the leftovers of another bug is more likely chance).
    """
    if features is None:
        return []
    considered = [
        i
        for i, o in enumerate(outcomes)
        if (o.passed or i in open_) and o.status not in _UNINFORMATIVE
    ]
    failing = [i for i in considered if not outcomes[i].passed]
    if not failing or len(failing) == len(considered):
        return []
    sets = {i: set(features(outcomes[i].params)) & set(FEATURE_HINTS) for i in considered}
    names = [n for n in FEATURE_HINTS if any(n in sets[i] for i in failing)]
    besides = any(not o.passed and i not in open_ for i, o in enumerate(outcomes))
    best: tuple[tuple[float, int, int], tuple[str, ...]] | None = None
    for size in range(1, _MAX_FEATURES + 1):
        for chosen in itertools.combinations(names, size):
            score = _score(chosen, sets, failing, considered, all_fail=besides)
            if score is None:
                continue
            if best is None or score > best[0]:
                best = (score, chosen)
    if best is None:
        return []
    chosen = best[1]
    return [
        (Hint(f"fails_with_{n}", _text(n, chosen, besides)), {i for i in failing if n in sets[i]})
        for n in chosen
    ]


def _score(
    chosen: tuple[str, ...],
    sets: dict[int, set[str]],
    failing: list[int],
    considered: list[int],
    all_fail: bool = False,
) -> tuple[float, int, int] | None:
    """How well ``chosen`` explains the failures (higher is better), None if it does not (or,
    with ``all_fail``, if some case with a chosen feature passes)."""
    has = {i for i in considered if sets[i] & set(chosen)}
    if not set(failing) <= has or len(considered) - len(has) < _MIN_CONTRAST:
        return None  # a failure it does not cover, or too few passing cases without it
    if all_fail and len(failing) < len(has):
        return None
    for name in chosen:  # each feature is needed: the only chosen one of some failing case
        if not any(sets[i] & set(chosen) == {name} for i in failing):
            return None
    share = len(failing) / len(has)
    return (share - _PER_EXTRA_FEATURE * (len(chosen) - 1), -len(chosen), -len(has))
