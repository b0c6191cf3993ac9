"""Multiple-choice concept questions whose right option is computed by the reference.

Padding modes (torch and OpenCV names), 'same' padding for even kernels (why kernels are odd), pooling
has no parameters and keeps the channel count, what a 1×1 convolution does, convolution vs
cross-correlation. Options are built from the reference's own results (and the results of the wrong
rules), shuffled by the variant's generator; the answer is the index of the option that equals what the
reference computes, and each misconception points at the option its wrong rule produces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.sizes import same_padding

Role = str


def shuffled_roles(rng: np.random.Generator, roles: tuple[Role, ...]) -> list[Role]:
    """The option roles in the order a variant shows them.

    >>> sorted(shuffled_roles(np.random.default_rng(0), ("a", "b", "c")))
    ['a', 'b', 'c']
    """
    return [roles[i] for i in rng.permutation(len(roles))]


def index_of_value(p: Params, values: dict[Role, Any], truth: Any) -> int:
    """The index of the option whose value equals the reference's; exactly one must."""
    hits = [i for i, role in enumerate(p["roles"]) if values[role] == truth]
    if len(hits) != 1:
        raise ValueError(
            f"exactly one option must equal the reference value {truth!r}, got {len(hits)}"
        )
    return hits[0]


def choice_spec(texts: list[Text]) -> AnswerSpec:
    return AnswerSpec(kind="choice", choices=tuple(texts))


def pointing_at(
    role: Role, when: Callable[[Params], bool] = lambda p: True
) -> Callable[[Params], int | None]:
    """A wrong rule: the index of the option ``role`` (None when not applicable)."""
    return lambda p: p["roles"].index(role) if when(p) and role in p["roles"] else None


def concept(
    id_: str,
    title: Text,
    generate,
    prompt,
    answer,
    texts: Callable[[Params], list[Text]],
    why: Callable[[Params, Lang], str],
    misconceptions: tuple[Misconception, ...],
) -> Exercise:
    """A choice exercise: ``texts(p)`` are the options in shown order; ``why`` opens the solution."""

    def solution(p: Params, lang: Lang) -> str:
        return "\n\n".join([why(p, lang), answer_line(answer(p), choice_spec(texts(p)), lang)])

    return Exercise(
        id=id_,
        topic="concepts",
        title=title,
        generate=generate,
        prompt=prompt,
        answer=answer,
        solution=solution,
        spec=lambda p: choice_spec(texts(p)),
        misconceptions=misconceptions,
    )


def _same(text: str) -> Text:
    return Text(text, text)


# ---------------------------------------------------------------- padding modes

MODES = ("constant", "reflect", "symmetric", "replicate", "circular")
OPENCV = {
    "constant": "BORDER_CONSTANT",
    "reflect": "BORDER_REFLECT_101",
    "symmetric": "BORDER_REFLECT",
    "replicate": "BORDER_REPLICATE",
    "circular": "BORDER_WRAP",
}
TORCH = {
    "constant": "zeros",
    "reflect": "reflect",
    "symmetric": "symmetric",
    "replicate": "replicate",
    "circular": "circular",
}


def generate_padding(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Four distinct non-zero values padded by 2; the mode named the torch way (difficulty 1) or OpenCV's."""
    row = (rng.permutation(9)[:4] + 1).tolist()
    mode = str(rng.choice(MODES))
    naming = (
        "torch"
        if difficulty == 1
        else ("opencv" if difficulty == 3 else str(rng.choice(["torch", "opencv"])))
    )
    return dict(row=row, mode=mode, naming=naming, roles=shuffled_roles(rng, MODES))


def padded_row(row: list[int], mode: str) -> list[int]:
    """``reference.padding.pad`` of one row by 2 on each side (OpenCV names accepted).

    >>> padded_row([1, 2, 3, 4], "BORDER_REFLECT_101")
    [3, 2, 1, 2, 3, 4, 3, 2]
    """
    from cnngrade.reference.padding import pad

    return pad(torch.tensor([row], dtype=torch.float64), ((2, 2),), mode=mode)[0].long().tolist()


def _mode_name(p: Params) -> str:
    return OPENCV[p["mode"]] if p["naming"] == "opencv" else TORCH[p["mode"]]


def padding_answer(p: Params) -> int:
    name = _mode_name(p)
    return index_of_value(
        p, {m: padded_row(p["row"], m) for m in MODES}, padded_row(p["row"], name)
    )


def padding_texts(p: Params) -> list[Text]:
    return [_same(f"`{' '.join(map(str, padded_row(p['row'], role)))}`") for role in p["roles"]]


_PAD_TASK = Text(
    "The row `{row}` is padded by 2 on each side with the border mode `{name}` ({library}). Which is the result?",
    "用边界模式 `{name}`（{library}）在行 `{row}` 的两侧各填充 2 个元素，结果是哪一个？",
)


def padding_prompt(p: Params, lang: Lang) -> str:
    library = (
        "OpenCV `cv2.copyMakeBorder`" if p["naming"] == "opencv" else "`reference.padding.pad`"
    )
    return _PAD_TASK(lang).format(
        row=" ".join(map(str, p["row"])), name=_mode_name(p), library=library
    )


_PAD_WHY = Text(
    "`{name}` is the {mode} rule: constant pads zeros (`000|abcd|000`), reflect mirrors without repeating the "
    "edge (`dcb|abcd|cba`, OpenCV BORDER_REFLECT_101), symmetric mirrors with the edge (`cba|abcd|dcb`, OpenCV "
    "BORDER_REFLECT), replicate repeats the edge (`aaa|abcd|ddd`), circular wraps around (`bcd|abcd|abc`, "
    "BORDER_WRAP).",
    "`{name}` 即 {mode} 规则：constant 补零（`000|abcd|000`），reflect 镜像但不重复边缘（`dcb|abcd|cba`，OpenCV "
    "BORDER_REFLECT_101），symmetric 镜像且包含边缘（`cba|abcd|dcb`，OpenCV BORDER_REFLECT），replicate 重复边缘"
    "（`aaa|abcd|ddd`），circular 循环（`bcd|abcd|abc`，BORDER_WRAP）。",
)


def padding_why(p: Params, lang: Lang) -> str:
    return _PAD_WHY(lang).format(name=_mode_name(p), mode=p["mode"])


_REFLECTS = ("reflect", "symmetric")
PADDING_MISCONCEPTIONS = (
    Misconception(
        "reflect_symmetric_confused",
        Text(
            "OpenCV's BORDER_REFLECT repeats the edge (torch/NumPy 'symmetric'); BORDER_REFLECT_101 and torch's "
            "'reflect' do not.",
            "OpenCV 的 BORDER_REFLECT 会重复边缘元素（即 torch/NumPy 的 'symmetric'）；BORDER_REFLECT_101 和 torch 的 "
            "'reflect' 不重复。",
        ),
        lambda p: (
            p["roles"].index(_REFLECTS[1 - _REFLECTS.index(p["mode"])])
            if p["mode"] in _REFLECTS
            else None
        ),
    ),
    Misconception(
        "always_zero_padding",
        Text("Only the constant mode pads with zeros.", "只有 constant 模式补零。"),
        pointing_at("constant", lambda p: p["mode"] != "constant"),
    ),
    Misconception(
        "wrap_replicate_confused",
        Text(
            "Replicate repeats the edge value; circular (wrap) continues from the other end.",
            "replicate 重复边缘值；circular（wrap）从另一端接着取。",
        ),
        lambda p: (
            p["roles"].index("circular" if p["mode"] == "replicate" else "replicate")
            if p["mode"] in ("replicate", "circular")
            else None
        ),
    ),
)


# ---------------------------------------------------------------- 'same' padding: why kernels are odd

SAME_ROLES = ("torch_same", "rounded_up", "rounded_down", "extra_on_left")


def generate_same(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """An even kernel (2, 4 or 6; dilation 1, or an odd dilation at difficulty 3 keeps the span even)."""
    k = int(rng.choice([2, 4, 6]))
    dilation = int(rng.choice([1, 3])) if difficulty == 3 else 1
    return dict(kernel=k, dilation=dilation, roles=shuffled_roles(rng, SAME_ROLES))


def _same_candidates(p: Params) -> dict[Role, tuple[int, int]]:
    total = p["dilation"] * (p["kernel"] - 1)  # odd: no symmetric split exists
    half = total // 2
    return {
        "torch_same": (half, total - half),
        "rounded_up": (half + 1, half + 1),
        "rounded_down": (half, half),
        "extra_on_left": (total - half, half),
    }


def same_answer(p: Params) -> int:
    return index_of_value(p, _same_candidates(p), tuple(same_padding(p["kernel"], p["dilation"])))


def same_texts(p: Params) -> list[Text]:
    values = _same_candidates(p)
    return [_same(f"({values[r][0]}, {values[r][1]})") for r in p["roles"]]


_SAME_TASK = Text(
    "A convolution with an even kernel size $k = {k}${dil} and stride 1 uses `padding='same'` in torch. How many "
    "zero rows are added (top, bottom)?",
    "torch 中步幅为 1、卷积核大小为偶数 $k = {k}${dil_zh}的卷积使用 `padding='same'`。上、下各补几行零？（上, 下）",
)


def same_prompt(p: Params, lang: Lang) -> str:
    d = p["dilation"]
    return _SAME_TASK(lang).format(
        k=p["kernel"],
        dil=f", dilation {d}" if d > 1 else "",
        dil_zh=f"、膨胀率 {d} " if d > 1 else "",
    )


_SAME_WHY = Text(
    "Keeping the size needs $d(k-1) = {total}$ padding in total. That is odd, so it cannot be split evenly: torch "
    "puts the extra row at the bottom/right. With an odd $k$ the total is even and $(k-1)/2$ goes on each side — "
    "one reason kernels are odd (the other: an odd kernel has a centre pixel).",
    "保持尺寸需要总共 $d(k-1) = {total}$ 的填充。它是奇数，无法平分：torch 把多出的一行放在下/右侧。若 $k$ 为奇数，"
    "总填充为偶数，两侧各 $(k-1)/2$——这是卷积核通常取奇数的原因之一（另一个原因：奇数卷积核有中心像素）。",
)

SAME_MISCONCEPTIONS = (
    Misconception(
        "same_rounded_up",
        Text(
            "(k/2, k/2) pads one row too many: the output grows by one.",
            "(k/2, k/2) 多补了一行：输出会变大 1。",
        ),
        pointing_at("rounded_up"),
    ),
    Misconception(
        "same_rounded_down",
        Text(
            "Symmetric ⌊(k−1)/2⌋ padding is one row short: the output shrinks by one.",
            "两侧各 ⌊(k−1)/2⌋ 少补了一行：输出会变小 1。",
        ),
        pointing_at("rounded_down"),
    ),
    Misconception(
        "extra_on_left",
        Text(
            "torch puts the extra padding at the end (bottom/right), not the start.",
            "torch 把多出的填充放在末尾（下/右侧），而不是开头。",
        ),
        pointing_at("extra_on_left"),
    ),
)

EXERCISES = (
    concept(
        "concept_padding_modes",
        Text("Padding modes", "填充模式"),
        generate_padding,
        padding_prompt,
        padding_answer,
        padding_texts,
        padding_why,
        PADDING_MISCONCEPTIONS,
    ),
    concept(
        "concept_odd_kernels",
        Text("'Same' padding and odd kernels", "'same' 填充与奇数卷积核"),
        generate_same,
        same_prompt,
        same_answer,
        same_texts,
        lambda p, lang: _SAME_WHY(lang).format(total=p["dilation"] * (p["kernel"] - 1)),
        SAME_MISCONCEPTIONS,
    ),
)
