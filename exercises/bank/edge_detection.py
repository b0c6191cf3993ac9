"""Edge detection with a 3×3 kernel on a step image, as in the slides' 6×6 example (seeds/001).

A vertical-edge kernel ``[[1, 0, -1]] * 3`` (Sobel ``[[1, 0, -1], [2, 0, -2], [1, 0, -1]]`` at
difficulty 3) or its transpose slides over an image made of flat regions; the output is large where
the window straddles an edge of the kernel's orientation, negative for a dark-to-bright edge and zero
on flat regions or on edges of the other orientation (the slides' horizontal-edge example). Answers
and worked solutions reuse the hand cross-correlation of ``_handconv``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank import _handconv as hc
from cnngrade.exercises.core import Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import display_matrix

KERNELS = {
    "prewitt": np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]]),
    "sobel": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
}


def _kernel(name: str, orientation: str) -> np.ndarray:
    """The vertical-edge kernel, or its transpose for horizontal edges."""
    K = KERNELS[name]
    return K if orientation == "vertical" else K.T


def _step_image(rng: np.random.Generator, n: int, orientation: str, stripe: bool) -> np.ndarray:
    """Flat regions separated by one step, or two (a stripe brighter or darker than both sides, so its
    edges respond with opposite signs), running in ``orientation``."""
    levels = rng.choice([0, 10, 20, 30], size=3, replace=False)
    if stripe:
        ordered = np.sort(levels)
        bright = bool(rng.integers(2))
        middle, outer = (ordered[2], ordered[:2]) if bright else (ordered[0], ordered[1:])
        left, right = rng.permutation(outer)
        levels = np.array([left, middle, right])
        first, second = np.sort(rng.choice(np.arange(2, n - 1), size=2, replace=False))
    else:
        first = second = int(rng.integers(2, n - 1))
    columns = np.arange(n)
    profile = np.where(columns < first, levels[0], np.where(columns < second, levels[1], levels[2]))
    image = np.tile(profile, (n, 1))  # constant down each column: vertical edges
    return image if orientation == "vertical" else image.T


def generate(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: the slides' case (vertical step, vertical kernel); 2: any orientations, any step direction,
    half the time a stripe (two edges); 3: the same with the Sobel kernel."""
    n = 6 if difficulty == 1 else int(rng.integers(6, 7, endpoint=True))
    image_dir = "vertical" if difficulty == 1 else str(rng.choice(["vertical", "horizontal"]))
    kernel_dir = "vertical" if difficulty == 1 else str(rng.choice(["vertical", "horizontal"]))
    name = "sobel" if difficulty == 3 else "prewitt"
    X = _step_image(rng, n, image_dir, stripe=difficulty > 1 and bool(rng.integers(2)))
    return dict(
        X=[X.tolist()],
        K=[[_kernel(name, kernel_dir).tolist()]],
        bias=None,
        stride=[1, 1],
        padding=[0, 0],
        dilation=[1, 1],
        channel=0,
        kernel_name=name,
        kernel_orientation=kernel_dir,
    )


_TASK = Text(
    "The kernel $K$ below is a {name} {orientation}-edge detector. Compute by hand its cross-correlation "
    "with the image $X$ (stride 1, no padding), as `torch.nn.functional.conv2d` does.",
    "下面的卷积核 $K$ 是 {name_zh}{orientation_zh}边缘检测器。手算它与图像 $X$ 的互相关"
    "（步幅 1，无填充），即 `torch.nn.functional.conv2d` 的结果。",
)
_GIVE = Text("Give the output as an integer matrix.", "请以整数矩阵的形式给出输出。")
_NAMES = {"prewitt": ("Prewitt-style", "Prewitt 型"), "sobel": ("Sobel", "Sobel ")}
_ORIENT = {"vertical": ("vertical", "垂直"), "horizontal": ("horizontal", "水平")}


def prompt(p: Params, lang: Lang) -> str:
    name, name_zh = _NAMES[p["kernel_name"]]
    orientation, orientation_zh = _ORIENT[p["kernel_orientation"]]
    task = _TASK(lang).format(
        name=name, name_zh=name_zh, orientation=orientation, orientation_zh=orientation_zh
    )
    return "\n\n".join(
        [task, display_matrix("X", p["X"][0]), display_matrix("K", p["K"][0][0]), _GIVE(lang)]
    )


def _transposed(p: Params) -> list[list[int]]:
    K = np.asarray(p["K"][0][0]).T
    return hc.conv_answer({**p, "K": [[K.tolist()]]})


def _flipped(p: Params) -> list[list[int]] | None:
    answer = hc.conv_answer(p)
    return None if not np.any(answer) else hc.conv_answer(hc.flipped(p))


def _absolute(p: Params) -> list[list[int]] | None:
    """|Y|; not applicable without negative responses, or without positive ones (|Y| = −Y is the flip's
    answer, and the flip is the diagnosis then)."""
    answer = np.asarray(hc.conv_answer(p))
    return np.abs(answer).tolist() if (answer < 0).any() and (answer > 0).any() else None


EXERCISES = (
    Exercise(
        id="edge_detection",
        topic="edge detection",
        title=Text("Edge detection with a 3×3 kernel", "用 3×3 卷积核做边缘检测"),
        generate=generate,
        prompt=prompt,
        answer=hc.conv_answer,
        solution=hc.solution,
        spec=hc.SPEC,
        misconceptions=(
            Misconception(
                "orientation_confused",
                Text(
                    "You used the kernel of the other orientation: [[1, 0, -1]] repeated in rows responds to "
                    "vertical edges, its transpose to horizontal ones.",
                    "你用了另一方向的卷积核：每行为 [1, 0, -1] 的卷积核响应垂直边缘，其转置响应水平边缘。",
                ),
                _transposed,
            ),
            Misconception(
                "kernel_flipped",
                Text(
                    "You flipped the kernel (true convolution), which flips the sign of every response; conv2d "
                    "slides K as it is.",
                    "你把卷积核翻转了（数学卷积），所有响应的符号都反了；conv2d 不翻转卷积核。",
                ),
                _flipped,
            ),
            Misconception(
                "absolute_response",
                Text(
                    "You dropped the sign: a dark-to-bright edge gives a negative response.",
                    "你丢掉了符号：由暗到亮的边缘响应为负值。",
                ),
                _absolute,
            ),
        ),
    ),
)
