"""LeNet-5: the course's d2l version and LeCun et al. (1998)'s original with C3's partial connections."""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AvgPool2d,
    Conv2d,
    Flatten,
    Linear,
    Module,
    Sequential,
    Sigmoid,
)
from cnngrade.reference.models._sizes import size_after


def lenet5(num_classes: int = 10, in_channels: int = 1, image_size: int = 28) -> Sequential:
    """The course's LeNet-5: 28×28 → conv5 (pad 2) → 28 → pool → 14 → conv5 → 10 → pool → 5 → 400 → 120 → 84.

    Sigmoid activations and average pooling, as the slides (d2l) write it.

    Shape:
        ``(N, in_channels, image_size, image_size)`` → ``(N, num_classes)``.

    >>> lenet5()(torch.zeros(1, 1, 28, 28)).shape
    torch.Size([1, 10])
    """
    features = Sequential(
        Conv2d(in_channels, 6, kernel_size=5, padding=2),
        Sigmoid(),
        AvgPool2d(kernel_size=2, stride=2),
        Conv2d(6, 16, kernel_size=5),
        Sigmoid(),
        AvgPool2d(kernel_size=2, stride=2),
    )
    side = size_after(image_size, features)
    return Sequential(
        *features,
        Flatten(),
        Linear(16 * side * side, 120),
        Sigmoid(),
        Linear(120, 84),
        Sigmoid(),
        Linear(84, num_classes),
    )


class ScaledTanh(Module):
    """LeCun's squashing function ``f(a) = A tanh(S a)`` with ``A = 1.7159``, ``S = 2/3``.

    >>> float(ScaledTanh()(torch.tensor(1.5)))  # f(1.5) = 1.7159 tanh(1) ≈ 1.3068
    1.3068...
    """

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return 1.7159 * torch.tanh(input * (2.0 / 3.0))


class Subsampling(Module):
    """LeNet-1998's S2/S4: average of each 2×2 window, times a trainable coefficient, plus a bias.

    One coefficient and one bias per map (2 C parameters), written as average pooling followed by a
    per-channel (depthwise) 1×1 convolution.

    >>> sum(p.numel() for p in Subsampling(6).parameters())
    12
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.pool = AvgPool2d(kernel_size=2, stride=2)
        self.scale = Conv2d(channels, channels, kernel_size=1, groups=channels)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self.scale(self.pool(input))


# Table I of LeCun et al. (1998): the S2 maps each C3 map reads. Maps 0-5 read 3 contiguous maps,
# 6-11 read 4 contiguous, 12-14 read 4 discontinuous ones, 15 reads all 6.
C3_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 1, 2),
    (1, 2, 3),
    (2, 3, 4),
    (3, 4, 5),
    (4, 5, 0),
    (5, 0, 1),
    (0, 1, 2, 3),
    (1, 2, 3, 4),
    (2, 3, 4, 5),
    (3, 4, 5, 0),
    (4, 5, 0, 1),
    (5, 0, 1, 2),
    (0, 1, 3, 4),
    (1, 2, 4, 5),
    (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)


class PartialConv2d(Module):
    """A convolution whose output map ``o`` sees only the input maps ``table[o]`` (LeNet's C3).

    Maps reading the same number of inputs form one grouped convolution over the gathered input
    channels, so only the table's connections have weights: C3 has 25 × 60 + 16 = 1,516 parameters.

    >>> sum(p.numel() for p in PartialConv2d(C3_TABLE, kernel_size=5).parameters())
    1516
    >>> PartialConv2d(C3_TABLE, kernel_size=5)(torch.zeros(1, 6, 14, 14)).shape
    torch.Size([1, 16, 10, 10])
    """

    def __init__(self, table: tuple[tuple[int, ...], ...], kernel_size: int) -> None:
        super().__init__()
        by_width: dict[int, list[int]] = {}
        for out_map, inputs in enumerate(table):
            by_width.setdefault(len(inputs), []).append(out_map)
        self.parts = torch.nn.ModuleList()
        order: list[int] = []
        for width, out_maps in sorted(by_width.items()):
            gather = torch.tensor([i for o in out_maps for i in table[o]])
            part = Conv2d(width * len(out_maps), len(out_maps), kernel_size, groups=len(out_maps))
            part.register_buffer("gather", gather, persistent=False)
            self.parts.append(part)
            order.extend(out_maps)
        # outputs come out grouped by width; this permutation puts map o back at channel o
        self.register_buffer("order", torch.argsort(torch.tensor(order)), persistent=False)

    order: torch.Tensor

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        outs = [part(input.index_select(1, part.get_buffer("gather"))) for part in self.parts]
        return torch.cat(outs, dim=1).index_select(1, self.order)


class RBFOutput(Module):
    """The 1998 output layer: ``y_i = Σ_j (x_j - w_ij)²``, with fixed (not trainable) ±1 codes ``w_i``.

    LeCun drew the codes as 7×12 bitmaps of the characters; we use rows 1.. of a 128×128 Sylvester
    Hadamard matrix cut to 84 columns (distinct ±1 codes), kept as a buffer.

    >>> RBFOutput(84, 10)(torch.zeros(2, 84)).shape
    torch.Size([2, 10])
    """

    def __init__(self, in_features: int, num_classes: int) -> None:
        super().__init__()
        hadamard = torch.ones(1, 1)
        while hadamard.shape[0] <= max(num_classes, in_features):
            hadamard = torch.cat(
                [torch.cat([hadamard, hadamard], 1), torch.cat([hadamard, -hadamard], 1)]
            )
        self.register_buffer("centers", hadamard[1 : num_classes + 1, :in_features].clone())

    centers: torch.Tensor

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return ((input.unsqueeze(-2) - self.centers) ** 2).sum(-1)


def lenet5_1998(num_classes: int = 10, in_channels: int = 1, image_size: int = 32) -> Sequential:
    """LeNet-5 as in LeCun et al. (1998): 32×32 → C1 28 → S2 14 → C3 10 → S4 5 → C5 120 → F6 84 → RBF.

    60,000 trainable parameters: C1 156 + S2 12 + C3 1,516 + S4 32 + C5 48,120 + F6 10,164
    (the RBF output's 840 codes are fixed).

    Shape:
        ``(N, in_channels, 32, 32)`` → ``(N, num_classes)`` (squared distances: smaller is likelier).

    >>> sum(p.numel() for p in lenet5_1998().parameters() if p.requires_grad)
    60000
    """
    trunk = Sequential(
        Conv2d(in_channels, 6, kernel_size=5),
        ScaledTanh(),  # C1
        Subsampling(6),
        ScaledTanh(),  # S2
        PartialConv2d(C3_TABLE, kernel_size=5),
        ScaledTanh(),  # C3
        Subsampling(16),
        ScaledTanh(),  # S4
    )
    c5 = Conv2d(16, 120, kernel_size=5)  # at 32×32 input it sees all of S4's 5×5 map
    pool = AvgPool2d(kernel_size=2, stride=2)  # S2 and S4's geometry
    side = size_after(image_size, [trunk[0], pool, Conv2d(6, 16, kernel_size=5), pool, c5])
    return Sequential(
        *trunk,
        c5,
        ScaledTanh(),
        Flatten(),
        Linear(120 * side * side, 84),
        ScaledTanh(),  # F6
        RBFOutput(84, num_classes),
    )
