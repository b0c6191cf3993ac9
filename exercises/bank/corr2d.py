"""Hand-computed cross-correlation: single channel, padded, strided, dilated, multi-channel, 1×1.

Every variant is drawn small (inputs 3..6 wide, entries in -3..5) so a student computes it by hand; the
answer is ``reference.conv.conv2d`` and each wrong rule is the same call on altered parameters (see
``exercises/bank/_handconv.py``). The transposed convolution lives in ``conv_transpose_hand.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank import _handconv as hc
from cnngrade.exercises.core import Exercise, Misconception, Params, Text

TOPIC = "cross-correlation by hand"
SPEC = hc.SPEC


def _params(
    X, K, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), channel=0
) -> dict[str, Any]:
    return dict(
        X=X,
        K=K,
        bias=bias,
        stride=list(stride),
        padding=list(padding),
        dilation=list(dilation),
        channel=channel,
    )


def _low(difficulty: int) -> int:
    """Smallest input entry: non-negative at difficulty 1, some negatives above."""
    return 0 if difficulty == 1 else -3


def _first_channel(p: Params) -> list[list[int]]:
    X, K = np.asarray(p["X"]), np.asarray(p["K"])
    return hc.conv_answer(hc.altered(p, X=X[:1].tolist(), K=K[:, :1].tolist()))


def _mis(note: str, en: str, zh: str, rule) -> Misconception:
    return Misconception(note, Text(en, zh), rule)


FLIPPED = _mis(
    "kernel_flipped",
    "You flipped the kernel (a true convolution); conv2d in deep learning is a cross-correlation: slide K as it is.",
    "你把卷积核翻转了（数学上的卷积）；深度学习中的 conv2d 是互相关，卷积核不翻转，直接滑动。",
    lambda p: hc.conv_answer(hc.flipped(p)),
)


def _transposed(p: Params) -> list[list[int]] | None:
    """The kernel transposed instead of used as it is (not applicable to a symmetric kernel)."""
    K = np.asarray(p["K"])
    if np.array_equal(K, K.swapaxes(-1, -2)):
        return None
    return hc.conv_answer(hc.altered(p, K=K.swapaxes(-1, -2).tolist()))


TRANSPOSED = _mis(
    "kernel_transposed",
    "You transposed the kernel: K is slid as written (row u of K meets row i + u of X).",
    "你把卷积核转置了：卷积核按原样滑动（K 的第 u 行对应 X 的第 i + u 行）。",
    _transposed,
)
FIRST_CHANNEL = _mis(
    "channels_not_summed",
    "You used only the first input channel; a multi-channel convolution sums the results of all input channels.",
    "你只用了第一个输入通道；多输入通道卷积要把所有输入通道的互相关结果相加。",
    _first_channel,
)
BIAS_FORGOTTEN = _mis(
    "bias_forgotten",
    "You forgot the bias: add b_o once to every element of output channel o.",
    "你忘了偏置：输出通道 o 的每个元素都要加上一次 b_o。",
    lambda p: hc.conv_answer(hc.altered(p, bias=None)),
)
WRONG_FILTER = _mis(
    "wrong_filter",
    "You used another filter: output channel o uses only filter o (kernels K_{o,c}) and bias b_o.",
    "你用了别的滤波器：第 o 个输出通道只用第 o 个滤波器（卷积核 K_{o,c}）和偏置 b_o。",
    lambda p: hc.conv_answer(hc.altered(p, channel=(p["channel"] + 1) % len(p["K"]))),
)


def _other_bias(p: Params) -> list[list[int]]:
    o, bias = p["channel"], list(p["bias"])
    bias[o] = bias[(o + 1) % len(bias)]
    return hc.conv_answer(hc.altered(p, bias=bias))


WRONG_BIAS = _mis(
    "wrong_bias",
    "You added another channel's bias: output channel o gets b_o.",
    "你加了别的通道的偏置：第 o 个输出通道加的是 b_o。",
    _other_bias,
)


def _exercise(id_: str, en: str, zh: str, generate, misconceptions) -> Exercise:
    return Exercise(
        id=id_,
        topic=TOPIC,
        title=Text(en, zh),
        generate=generate,
        prompt=hc.prompt,
        answer=hc.conv_answer,
        solution=hc.solution,
        spec=SPEC,
        misconceptions=tuple(misconceptions),
    )


def generate_single(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """One channel, stride 1, no padding: ``k`` in 2..3, ``n`` in k+1..3+difficulty (>= 2 outputs)."""
    k = int(rng.integers(2, 3, endpoint=True))
    H, W = (int(n) for n in rng.integers(k + 1, max(k + 1, 3 + difficulty), size=2, endpoint=True))
    X = hc.integers(rng, _low(difficulty), 5, (1, H, W))
    return _params(X, [[hc.asymmetric_kernel(rng, -2, 3, k, k)]])


def generate_padded(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """One channel with zero padding 1 (2 at difficulty 3 with a 3×3 kernel)."""
    H, W = (int(n) for n in rng.integers(3, 4, size=2, endpoint=True))
    k = int(rng.integers(2, 3, endpoint=True))
    p = 2 if difficulty == 3 and k == 3 else 1
    X = hc.integers(rng, _low(difficulty), 5, (1, H, W))
    return _params(X, [[hc.asymmetric_kernel(rng, -2, 3, k, k)]], padding=(p, p))


def generate_strided(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Different vertical and horizontal strides (2 and 3 in some order), padding 1 from difficulty 2."""
    strides = (2, 3) if rng.integers(2) == 0 else (3, 2)
    p = 0 if difficulty == 1 else 1
    k = int(rng.integers(2, 3, endpoint=True))
    # n + 2p - k >= max stride keeps at least two outputs per dimension and every rule applicable
    H, W = (int(n) for n in rng.integers(k + 3 - 2 * p, 6, size=2, endpoint=True))
    X = hc.integers(rng, _low(difficulty), 5, (1, H, W))
    return _params(X, [[hc.asymmetric_kernel(rng, -2, 3, k, k)]], stride=strides, padding=(p, p))


def generate_dilated(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Dilation 2 (vertical 2, horizontal 1 at difficulty 3) with a 2×2 or 3×3 kernel."""
    k = 2 if difficulty == 1 else int(rng.integers(2, 3, endpoint=True))
    dilation = (2, 1) if difficulty == 3 else (2, 2)
    spans = [d * (k - 1) + 1 for d in dilation]
    H, W = (s + int(rng.integers(1, 2, endpoint=True)) for s in spans)
    X = hc.integers(rng, _low(difficulty), 5, (1, H, W))
    return _params(X, [[hc.asymmetric_kernel(rng, -2, 3, k, k)]], dilation=dilation)


def generate_multi_in(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Two input channels (three at difficulty 3), one filter of 2×2 kernels."""
    c_in = 3 if difficulty == 3 else 2
    H, W = (int(n) for n in rng.integers(3, 4, size=2, endpoint=True))
    X = hc.integers(rng, 0 if difficulty == 1 else -2, 4, (c_in, H, W))
    K = [[hc.asymmetric_kernel(rng, -1, 2, 2, 2) for _ in range(c_in)]]
    return _params(X, K)


def generate_multi_out_bias(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Two input channels, two filters (three at difficulty 3) with distinct non-zero biases."""
    c_out = 3 if difficulty == 3 else 2
    p = 1 if difficulty >= 2 else 0
    H, W = (int(n) for n in rng.integers(3, 4, size=2, endpoint=True))
    k = 2 if difficulty == 1 else 3
    X = hc.integers(rng, 0 if difficulty == 1 else -2, 3, (2, H, W))
    K = [[hc.asymmetric_kernel(rng, -1, 1, k, k) for _ in range(2)] for _ in range(c_out)]
    bias = (rng.permutation([-3, -2, -1, 1, 2, 3])[:c_out]).tolist()
    return _params(X, K, bias=bias, padding=(p, p), channel=int(rng.integers(c_out)))


def generate_1x1(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """A 1×1 convolution mixing 2..3 channels into 2 output channels, with bias."""
    c_in = 2 if difficulty == 1 else 3
    H, W = (int(n) for n in rng.integers(2, 3, size=2, endpoint=True))
    X = hc.integers(rng, _low(difficulty), 5, (c_in, H, W))
    weights = rng.integers(-2, 3, size=(2, c_in), endpoint=True)
    weights[:, 1] = np.where(weights[:, 1] == 0, 1, weights[:, 1])  # channel 1 always counts
    weights[1, 0] = weights[0, 0] + 1  # the two filters differ
    bias = (rng.permutation([-2, -1, 1, 2])[:2]).tolist()
    K = weights[:, :, None, None].tolist()
    return _params(X, K, bias=bias, channel=int(rng.integers(2)))


EXERCISES = (
    _exercise(
        "corr2d_single",
        "Cross-correlation by hand",
        "手算二维互相关",
        generate_single,
        [FLIPPED, TRANSPOSED],
    ),
    _exercise(
        "corr2d_padded",
        "Cross-correlation with zero padding",
        "带零填充的互相关",
        generate_padded,
        [
            FLIPPED,
            TRANSPOSED,
            _mis(
                "padding_forgotten",
                "You did not pad the input: add p zero rows and columns on every side first.",
                "你没有填充：先在输入的每一侧补 p 行/列零。",
                lambda p: hc.conv_answer(hc.altered(p, padding=[0, 0])),
            ),
            _mis(
                "padding_one_side",
                "You padded only one side: padding p adds p zeros on each side (2p in total).",
                "你只在一侧填充：填充 p 表示每一侧各补 p 个零（共 2p）。",
                lambda p: hc.conv_answer(hc.padded_one_side(p)),
            ),
        ],
    ),
    _exercise(
        "corr2d_strided",
        "Cross-correlation with different vertical and horizontal strides",
        "垂直与水平步幅不同的互相关",
        generate_strided,
        [
            _mis(
                "stride_ignored",
                "You used stride 1: the window moves s_h rows down and s_w columns across.",
                "你按步幅 1 计算了：窗口每次向下移动 s_h 行、向右移动 s_w 列。",
                lambda p: hc.conv_answer(hc.altered(p, stride=[1, 1])),
            ),
            _mis(
                "strides_swapped",
                "You swapped the strides: s_h moves down the rows, s_w across the columns.",
                "你把两个步幅弄反了：s_h 是沿行（向下）的步幅，s_w 是沿列（向右）的步幅。",
                lambda p: hc.conv_answer(hc.altered(p, stride=p["stride"][::-1])),
            ),
            _mis(
                "only_vertical_stride",
                "You applied only the vertical stride; the horizontal stride s_w applies too.",
                "你只用了垂直步幅；水平步幅 s_w 也要用上。",
                lambda p: hc.conv_answer(hc.altered(p, stride=[p["stride"][0], 1])),
            ),
            _mis(
                "only_horizontal_stride",
                "You applied only the horizontal stride; the vertical stride s_h applies too.",
                "你只用了水平步幅；垂直步幅 s_h 也要用上。",
                lambda p: hc.conv_answer(hc.altered(p, stride=[1, p["stride"][1]])),
            ),
            FLIPPED,
        ],
    ),
    _exercise(
        "corr2d_dilated",
        "Dilated cross-correlation",
        "膨胀（空洞）互相关",
        generate_dilated,
        [
            _mis(
                "dilation_ignored",
                "You ignored the dilation: with dilation d the kernel taps are d pixels apart.",
                "你忽略了膨胀率：膨胀率为 d 时，卷积核相邻元素在输入上相隔 d 个像素。",
                lambda p: hc.conv_answer(hc.altered(p, dilation=[1, 1])),
            ),
            _mis(
                "dilation_as_stride",
                "You used the dilation as a stride: dilation spaces the kernel taps, the window still moves by 1.",
                "你把膨胀率当成了步幅：膨胀率拉开卷积核元素的间距，窗口仍然每次移动 1。",
                lambda p: hc.conv_answer(hc.altered(p, stride=p["dilation"], dilation=[1, 1])),
            ),
            FLIPPED,
        ],
    ),
    _exercise(
        "corr2d_multi_in",
        "Cross-correlation with several input channels",
        "多输入通道的互相关",
        generate_multi_in,
        [
            FIRST_CHANNEL,
            _mis(
                "kernels_mismatched",
                "You paired the kernels with the wrong channels: kernel K_{0,c} goes with input channel X_c.",
                "你把卷积核和通道配错了：卷积核 K_{0,c} 对应输入通道 X_c。",
                lambda p: hc.conv_answer(hc.altered(p, K=[list(reversed(p["K"][0]))])),
            ),
            FLIPPED,
        ],
    ),
    _exercise(
        "corr2d_multi_out_bias",
        "Cross-correlation with several filters and a bias",
        "多输出通道、带偏置的互相关",
        generate_multi_out_bias,
        [BIAS_FORGOTTEN, WRONG_BIAS, WRONG_FILTER, FIRST_CHANNEL, FLIPPED],
    ),
    _exercise(
        "conv1x1_hand",
        "A 1×1 convolution by hand",
        "手算 1×1 卷积",
        generate_1x1,
        [BIAS_FORGOTTEN, WRONG_FILTER, WRONG_BIAS, FIRST_CHANNEL],
    ),
)
