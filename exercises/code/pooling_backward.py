"""Code exercise: the backward pass of max pooling (gradient to the first maximum of each window)."""

from __future__ import annotations

import numpy as np

from cnngrade.exercises.code import _pool_params as pp
from cnngrade.exercises.code import forbidden_apis as fa
from cnngrade.exercises.code._common import arrays, n64, t64
from cnngrade.exercises.code.core import BuggyRule, CaseGroup, CodeExercise, Invocation, Params
from cnngrade.exercises.code.pooling import GROUPS, POOL_ATEN, POOL_FORBIDDEN
from cnngrade.exercises.core import Text
from cnngrade.reference.analysis.sizes import pool_output_size


def _build(p: Params) -> Invocation:
    ho = pool_output_size(p["H"], p["kh"], p["sh"], p["ph"])
    wo = pool_output_size(p["W"], p["kw"], p["sw"], p["pw"])
    x, dout = arrays(
        p["seed"], [(p["N"], p["C"], p["H"], p["W"]), (p["N"], p["C"], ho, wo)], ints=p["ints"]
    )
    kernel = (p["kh"], p["kw"]) if p["kh"] != p["kw"] else p["kh"]
    return Invocation(args=(dout, x, kernel), kwargs=pp.kwargs(p))


def _expected(p: Params, inv: Invocation) -> tuple[np.ndarray, ...]:
    from cnngrade.reference.pooling_backward import max_pool2d_backward

    dout, x, kernel = inv.args
    return (n64(max_pool2d_backward(t64(dout), t64(x), kernel, **inv.kwargs)),)


def _route_ties(p: Params, inv: Invocation, mode: str) -> tuple[np.ndarray, ...] | None:
    """What a student gets who routes each window's gradient to ``all`` its maxima, or the ``last``."""
    if not p["ints"]:
        return None
    dout, x, _ = inv.args
    xp = np.pad(
        x.astype(np.float64),
        ((0, 0), (0, 0), (p["ph"],) * 2, (p["pw"],) * 2),
        constant_values=-np.inf,
    )
    dxp = np.zeros_like(xp)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = (
                slice(i * p["sh"], i * p["sh"] + p["kh"]),
                slice(j * p["sw"], j * p["sw"] + p["kw"]),
            )
            win = xp[:, :, rows, cols]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            if mode == "last":
                flat = mask.reshape(*mask.shape[:2], -1)
                last = flat.shape[-1] - 1 - np.argmax(flat[..., ::-1], axis=-1)
                mask = (np.arange(flat.shape[-1]) == last[..., None]).reshape(mask.shape)
            dxp[:, :, rows, cols] += mask * dout[:, :, i, j][:, :, None, None]
    return (dxp[:, :, p["ph"] : p["ph"] + p["H"], p["pw"] : p["pw"] + p["W"]],)


def _zero_padded(p: Params, inv: Invocation) -> tuple[np.ndarray, ...] | None:
    """The gradient when x is padded with zeros (a padded 0 can win, taking the gradient away)."""
    from cnngrade.reference.pooling_backward import max_pool2d_backward

    if p["ph"] + p["pw"] == 0:
        return None
    dout, x, kernel = inv.args
    xp = np.pad(x, ((0, 0), (0, 0), (p["ph"],) * 2, (p["pw"],) * 2))
    kwargs = {**inv.kwargs, "padding": 0}
    dxp = n64(max_pool2d_backward(t64(dout), t64(xp), kernel, **kwargs))
    return (dxp[:, :, p["ph"] : p["ph"] + p["H"], p["pw"] : p["pw"] + p["W"]],)


MAX_POOL2D_BACKWARD = CodeExercise(
    id="max_pool2d_backward",
    topic="pooling",
    title=Text("Backward pass of max pooling", "最大池化的反向传播"),
    statement=Text(
        "Write `max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0)` in NumPy: the gradient "
        "of sum(max_pool2d(x, ...) * dout) with respect to x, shape (N, C, H, W). Each window sends its "
        "dout to the position of its maximum; on ties, to the FIRST maximum in row-major order (as "
        "torch); windows may overlap, so accumulate. Padding is -inf. Do not modify the inputs; "
        "library pooling, convolution, unfold/fold and autograd calls are forbidden.",
        "用 NumPy 实现 `max_pool2d_backward(dout, x, kernel_size, stride=None, padding=0)`：返回 "
        "sum(max_pool2d(x, ...) * dout) 对 x 的梯度，形状 (N, C, H, W)。每个窗口把 dout 传给其最大值所在"
        "位置；并列时传给按行优先的第一个最大值（与 torch 相同）；窗口可能重叠，需累加。填充值为 -inf。"
        "不得修改输入；禁止调用库中的池化、卷积、unfold/fold 和自动求导。",
    ),
    entry="max_pool2d_backward",
    kind="function",
    backend="numpy",
    groups=GROUPS
    + (CaseGroup("ties", 1.0, Text("tied maxima (integer data)", "并列最大值（整数数据）")),),
    cases=lambda rng: pp.standard_cases(rng, ties=True),
    build=_build,
    expected=_expected,
    shrink=pp.shrink,
    arg_names=("dout", "x", "kernel_size"),
    output_names=("dx",),
    forbidden_names=POOL_FORBIDDEN + fa.AUTOGRAD_NAMES,
    forbidden_aten_ops=POOL_ATEN + fa.AUTOGRAD_OPS,
    buggy_rules=(
        BuggyRule(
            "ties_to_all_maxima",
            Text(
                "On tied maxima you send the gradient to every maximum: send it to the first one only.",
                "并列最大值时你把梯度传给了每个最大值：只应传给第一个。",
            ),
            lambda p, inv: _route_ties(p, inv, "all"),
        ),  # fmt: skip
        BuggyRule(
            "ties_to_last_maximum",
            Text(
                "On tied maxima you send the gradient to the last one: torch picks the first (row-major).",
                "并列最大值时你传给了最后一个：torch 选第一个（行优先）。",
            ),
            lambda p, inv: _route_ties(p, inv, "last"),
        ),  # fmt: skip
        BuggyRule(
            "zero_padding_max",
            Text(
                "Your gradient matches x padded with zeros: a padded 0 beats negative values and takes "
                "their gradient. Pad with -inf so padding never wins.",
                "你的梯度与用 0 填充 x 一致：填充的 0 会胜过负数并夺走梯度。请用 -inf 填充，使填充永远不会胜出。",
            ),
            _zero_padded,
        ),  # fmt: skip
    ),
    features=pp.features,
)

EXERCISES = (MAX_POOL2D_BACKWARD,)
