"""Output shape after a chain of convolution and pooling layers (random, valid by construction).

Layers are drawn one after another; each draw only offers kernels that fit the current size
(``k <= n + 2p``), so no chain is ever rejected. Shapes and misconceptions come from the shape-table
machinery of :mod:`exercises.bank.architecture` (``reference.analysis.sizes`` underneath).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.bank.architecture import conv, pool, propagate, table_exercise
from cnngrade.exercises.core import Text


def _conv_layer(rng: np.random.Generator, difficulty: int, name: str, n: int) -> dict[str, Any]:
    padded = difficulty > 1 and bool(rng.integers(2))
    kernels = [k for k in (1, 3, 5, 7) if k <= n + (k - 1 if padded else 0)]
    k = pick(rng, kernels)
    stride = 1 if difficulty == 1 else pick(rng, (1, 2) if k > 1 else (1,))
    return conv(name, pick(rng, (8, 16, 32, 64, 128)), k, stride, (k - 1) // 2 if padded else 0)


def _gen_chain(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    size = int(rng.integers(24, 65)) if difficulty == 1 else int(rng.integers(40, 129))
    shape = [pick(rng, (1, 3)), size, size]
    layers: list[dict[str, Any]] = []
    for i in range(int(rng.integers(2, 4 if difficulty == 1 else 6))):
        n = propagate(shape, layers)[-1][1] if layers else size
        if n >= 2 and rng.integers(3) == 0:
            window = pick(rng, (2, 3) if difficulty == 3 and n >= 3 else (2,))
            layers.append(pool(f"L{i + 1}", window, 2))
        else:
            layers.append(_conv_layer(rng, difficulty, f"L{i + 1}", n))
    return {"net": "CNN", "input": shape, "layers": layers, "ask": len(layers) - 1}


EXERCISES = (
    table_exercise(
        "layer_chain_shape",
        Text("Output shape after a chain of layers", "多层堆叠后的输出形状"),
        _gen_chain,
        topic="output_size",
    ),
)
