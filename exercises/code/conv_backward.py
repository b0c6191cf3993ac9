"""Code exercises: the backward pass of conv2d, and im2col (torch's F.unfold layout)."""

from __future__ import annotations

import numpy as np
import torch

from cnngrade.exercises.code import _conv_params as cp
from cnngrade.exercises.code import forbidden_apis as fa
from cnngrade.exercises.code._common import arrays, n64, pair, t64
from cnngrade.exercises.code.conv import CONV_ATEN, CONV_FORBIDDEN
from cnngrade.exercises.code.core import (
    BuggyRule,
    Case,
    CaseGroup,
    CodeExercise,
    Invocation,
    Params,
)
from cnngrade.exercises.core import Text
from cnngrade.reference.analysis.sizes import conv_output_size


def _out_hw(p: Params) -> tuple[int, int]:
    return (
        conv_output_size(p["H"], p["kh"], p["sh"], p["ph"]),
        conv_output_size(p["W"], p["kw"], p["sw"], p["pw"]),
    )


def _plain_cases(rng: np.random.Generator) -> list[Case]:
    return cp.standard_cases(rng, groups=False, dilation=False)


def _features(p: Params) -> tuple[str, ...]:
    overlap = (p["sh"] < p["kh"] and p["kh"] > 1) or (p["sw"] < p["kw"] and p["kw"] > 1)
    return cp.features(p) + (("overlap",) if overlap else ())


def _bw_build(p: Params) -> Invocation:
    ho, wo = _out_hw(p)
    shapes = [
        (p["N"], p["cout"], ho, wo),
        (p["N"], p["cin"], p["H"], p["W"]),
        (p["cout"], p["cin"], p["kh"], p["kw"]),
    ]
    dout, x, weight = arrays(p["seed"], shapes, ints=p["ints"])
    kwargs = {"stride": pair(p["sh"], p["sw"]), "padding": pair(p["ph"], p["pw"])}
    return Invocation(args=(dout, x, weight), kwargs=kwargs, outputs=3)


def _grads(inv: Invocation, flip: bool = False, padded_dx: bool = False) -> tuple[np.ndarray, ...]:
    """(dx, dweight, dbias) by autograd through ``reference.conv.conv2d`` in float64."""
    from cnngrade.reference.conv import conv2d
    from cnngrade.reference.padding import pad

    dout, x, weight = (t64(a) for a in inv.args)
    (ph, pw) = (
        (inv.kwargs["padding"],) * 2
        if isinstance(inv.kwargs["padding"], int)
        else inv.kwargs["padding"]
    )
    x = pad(x, ((ph, ph), (pw, pw))).requires_grad_(True) if padded_dx else x.requires_grad_(True)
    weight.requires_grad_(True)
    bias = torch.zeros(weight.shape[0], dtype=torch.float64, requires_grad=True)
    padding = 0 if padded_dx else inv.kwargs["padding"]
    out = conv2d(x, weight, bias, stride=inv.kwargs["stride"], padding=padding, flip=flip)
    (out * dout).sum().backward()
    return n64(x.grad), n64(weight.grad), n64(bias.grad)


CONV2D_BACKWARD = CodeExercise(
    id="conv2d_backward",
    topic="convolution",
    title=Text("Backward pass of conv2d", "conv2d 的反向传播"),
    statement=Text(
        "Write `conv2d_backward(dout, x, weight, stride=1, padding=0)` in NumPy returning the tuple "
        "(dx, dweight, dbias) of the gradients of L = sum(conv2d(x, weight, bias) * dout) (no groups, "
        "no dilation): dx has x's shape (N, C_in, H, W), dweight weight's (C_out, C_in, kH, kW), dbias "
        "(C_out,). Windows overlap when stride < kernel: accumulate. Do not modify the inputs; "
        "library convolution, unfold/fold and autograd calls are forbidden.",
        "用 NumPy 实现 `conv2d_backward(dout, x, weight, stride=1, padding=0)`，返回 (dx, dweight, dbias)："
        "L = sum(conv2d(x, weight, bias) * dout) 的梯度（无分组、无空洞）。dx 形状同 x (N, C_in, H, W)，"
        "dweight 同 weight (C_out, C_in, kH, kW)，dbias 为 (C_out,)。步幅小于核时窗口重叠，梯度要累加。"
        "不得修改输入；禁止调用库中的卷积、unfold/fold 和自动求导。",
    ),
    entry="conv2d_backward",
    kind="function",
    backend="numpy",
    groups=(
        CaseGroup("basic", 2.0, Text("no padding, stride 1", "无填充、步幅 1")),
        CaseGroup("padding", 1.0, Text("zero padding", "零填充")),
        CaseGroup("stride", 1.0, Text("stride > 1", "步幅大于 1")),
        CaseGroup("mixed", 2.0, Text("everything at once, larger", "综合、较大尺寸")),
    ),
    cases=_plain_cases,
    build=_bw_build,
    expected=lambda p, inv: _grads(inv),
    shrink=cp.shrink,
    arg_names=("dout", "x", "weight"),
    output_names=("dx", "dweight", "dbias"),
    forbidden_names=CONV_FORBIDDEN + fa.AUTOGRAD_NAMES,
    forbidden_aten_ops=CONV_ATEN + fa.AUTOGRAD_OPS,
    buggy_rules=(
        BuggyRule(
            "dx_kernel_not_rotated",
            Text(
                "Your dx matches a full convolution with the kernel NOT rotated by 180°: rotate it.",
                "你的 dx 与未旋转 180° 的卷积核做全卷积一致：需要把卷积核旋转 180°。",
            ),
            lambda p, inv: (_grads(inv, flip=True)[0],) + _grads(inv)[1:],
        ),  # fmt: skip
        BuggyRule(
            "dx_still_padded",
            Text(
                "Your dx still includes the padding: crop it back to x's shape.",
                "你的 dx 仍含填充部分：请裁剪回 x 的形状。",
            ),
            lambda p, inv: (
                (_grads(inv, padded_dx=True)[0],) + _grads(inv)[1:] if p["ph"] + p["pw"] else None
            ),
        ),  # fmt: skip
        BuggyRule(
            "dbias_mean",
            Text(
                "Your dbias is the mean of dout: it is the sum over the batch and every position.",
                "你的 dbias 是 dout 的平均值：应对批和所有位置求和。",
            ),
            lambda p, inv: _grads(inv)[:2] + (_grads(inv)[2] / (inv.args[0].size / p["cout"]),),
        ),  # fmt: skip
    ),
    features=_features,
)


def _im2col_build(p: Params) -> Invocation:
    (x,) = arrays(p["seed"], [(p["N"], p["cin"], p["H"], p["W"])], ints=p["ints"])
    kwargs = {"stride": pair(p["sh"], p["sw"]), "padding": pair(p["ph"], p["pw"])}
    return Invocation(args=(x, pair(p["kh"], p["kw"])), kwargs=kwargs)


def _columns(inv: Invocation, order: str = "ckl") -> tuple[np.ndarray, ...]:
    """F.unfold's layout: row ``c*kH*kW + i*kW + j``, column ``oh*W_out + ow`` (``order`` permutes)."""
    from cnngrade.reference.padding import pad
    from cnngrade.reference.windows import sliding_windows

    x = t64(inv.args[0])
    kh, kw = (inv.args[1],) * 2 if isinstance(inv.args[1], int) else inv.args[1]
    ph, pw = (
        (inv.kwargs["padding"],) * 2
        if isinstance(inv.kwargs["padding"], int)
        else inv.kwargs["padding"]
    )
    win = sliding_windows(
        pad(x, ((ph, ph), (pw, pw))), (kh, kw), inv.kwargs["stride"]
    )  # (N, C, oh, ow, kh, kw)
    n, c, oh, ow = win.shape[:4]
    perm = {"ckl": (0, 1, 4, 5, 2, 3), "klc": (0, 4, 5, 1, 2, 3)}[order]
    return (n64(win.permute(*perm).reshape(n, c * kh * kw, oh * ow)),)


def _cs231n(cols: np.ndarray) -> np.ndarray:
    """(N, C*kH*kW, L) as cs231n's im2col lays it out: (C*kH*kW, L*N), the sample index fastest."""
    return cols.transpose(1, 2, 0).reshape(cols.shape[1], -1)


def _column_major(p: Params, inv: Invocation) -> tuple[np.ndarray, ...] | None:
    ho, wo = _out_hw(p)
    if ho == 1 or wo == 1:
        return None  # both orders agree
    cols = _columns(inv)[0]
    n, rows = cols.shape[:2]
    return (cols.reshape(n, rows, ho, wo).swapaxes(2, 3).reshape(n, rows, ho * wo),)


IM2COL = CodeExercise(
    id="im2col",
    topic="convolution",
    title=Text("im2col: windows as columns", "im2col：把窗口展开成列"),
    statement=Text(
        "Write `im2col(x, kernel_size, stride=1, padding=0)` in NumPy with torch's F.unfold layout: x "
        "(N, C, H, W) zero-padded by padding on both sides; return (N, C*kH*kW, L) where row "
        "c*kH*kW + i*kW + j holds kernel tap (i, j) of channel c and column l = oh*W_out + ow is the "
        "window at output position (oh, ow) (row-major), L = H_out*W_out. kernel_size, stride and "
        "padding are an int or an (H, W) pair.",
        "用 NumPy 实现 `im2col(x, kernel_size, stride=1, padding=0)`，布局与 torch 的 F.unfold 相同：x 形状 "
        "(N, C, H, W)，两侧各补零 padding；返回 (N, C*kH*kW, L)，第 c*kH*kW + i*kW + j 行是通道 c 的核位置 "
        "(i, j)，第 l = oh*W_out + ow 列是输出位置 (oh, ow)（行优先）的窗口，L = H_out*W_out。kernel_size、"
        "stride、padding 为整数或 (H, W) 二元组。",
    ),
    entry="im2col",
    kind="function",
    backend="numpy",
    groups=(
        CaseGroup("basic", 2.0, Text("no padding, stride 1", "无填充、步幅 1")),
        CaseGroup("padding", 1.0, Text("zero padding", "零填充")),
        CaseGroup("stride", 1.0, Text("stride > 1", "步幅大于 1")),
        CaseGroup("mixed", 1.0, Text("everything at once, larger", "综合、较大尺寸")),
    ),
    cases=_plain_cases,
    build=_im2col_build,
    expected=lambda p, inv: _columns(inv),
    shrink=cp.shrink,
    arg_names=("x", "kernel_size"),
    output_names=("columns",),
    forbidden_names=CONV_FORBIDDEN
    + ("torch.Tensor.unfold", "numpy.lib.stride_tricks.sliding_window_view"),
    forbidden_aten_ops=CONV_ATEN + ("unfold",),
    buggy_rules=(
        BuggyRule(
            "tap_major_rows",
            Text(
                "Your rows are ordered (i, j, c) instead of (c, i, j): the channel must vary slowest.",
                "你的行按 (i, j, c) 排列而不是 (c, i, j)：通道应变化最慢。",
            ),
            lambda p, inv: _columns(inv, "klc"),
        ),  # fmt: skip
        BuggyRule(
            "columns_transposed",
            Text(
                "Your result is (N, L, C*kH*kW): torch's layout is (N, C*kH*kW, L).",
                "你的结果形状为 (N, L, C*kH*kW)：torch 的布局是 (N, C*kH*kW, L)。",
            ),
            lambda p, inv: (np.swapaxes(_columns(inv)[0], 1, 2),),
        ),  # fmt: skip
        BuggyRule(
            "columns_column_major",
            Text(
                "Your columns number the output positions column by column (l = ow*H_out + oh): "
                "torch's l = oh*W_out + ow is row-major.",
                "你的列按列优先给输出位置编号（l = ow*H_out + oh）：torch 用行优先 l = oh*W_out + ow。",
            ),
            _column_major,
        ),
        BuggyRule(
            "cs231n_layout",
            Text(
                "Your result is cs231n's (C*kH*kW, L*N) matrix with the samples side by side: "
                "F.unfold keeps the batch first, (N, C*kH*kW, L).",
                "你的结果是 cs231n 的 (C*kH*kW, L*N) 矩阵（样本并排）：F.unfold 的批维在最前，(N, C*kH*kW, L)。",
            ),
            lambda p, inv: (_cs231n(_columns(inv)[0]),),
        ),
    ),
    features=cp.features,
)

EXERCISES = (CONV2D_BACKWARD, IM2COL)
