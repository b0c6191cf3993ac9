"""GoogLeNet / Inception v1 (Szegedy et al., 2014) with Table 1's channel plan and its 5×5 branches.

torchvision's ``googlenet`` replaces each 5×5 branch convolution with a 3×3 one; ours follows the
paper. The two auxiliary classifiers (after 4a and 4d) are optional and run only in training mode.
Like Table 1 (and d2l) we leave out the LRN layers that the paper's Figure 3 draws in the stem; the
stem's max pools use padding 1 so that 224 → 112 → 56 → 28 → 14 → 7 as the table lists.
"""

from __future__ import annotations

import torch

from cnngrade.reference.models._layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    MaxPool2d,
    Module,
    ReLU,
    Sequential,
)
from cnngrade.reference.models._sizes import size_after

# Table 1: (#1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj) of each Inception module.
TABLE1: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


def _conv_relu(
    in_channels: int, out_channels: int, kernel_size: int, stride: int = 1
) -> Sequential:
    return Sequential(
        Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2),
        ReLU(inplace=True),
    )


class Inception(Module):
    """Four parallel paths concatenated on channels: 1×1 | 1×1→3×3 | 1×1→5×5 | 3×3 max pool→1×1.

    Output channels ``c1 + c2[1] + c3[1] + c4``; the spatial size is kept. Inception 3a
    (192 → 64, (96, 128), (16, 32), 32) has 12,288 + 129,024 + 15,872 + 6,144 = 163,328 weights.

    Shape:
        ``(N, in_channels, H, W)`` → ``(N, c1 + c2[1] + c3[1] + c4, H, W)``.

    >>> Inception(192, 64, (96, 128), (16, 32), 32)(torch.zeros(1, 192, 28, 28)).shape
    torch.Size([1, 256, 28, 28])
    """

    def __init__(
        self, in_channels: int, c1: int, c2: tuple[int, int], c3: tuple[int, int], c4: int
    ) -> None:
        super().__init__()
        self.p1 = _conv_relu(in_channels, c1, 1)
        self.p2 = Sequential(_conv_relu(in_channels, c2[0], 1), _conv_relu(c2[0], c2[1], 3))
        self.p3 = Sequential(_conv_relu(in_channels, c3[0], 1), _conv_relu(c3[0], c3[1], 5))
        self.p4 = Sequential(
            MaxPool2d(kernel_size=3, stride=1, padding=1), _conv_relu(in_channels, c4, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.p1(x), self.p2(x), self.p3(x), self.p4(x)), dim=1)


def inception(name: str, in_channels: int) -> Inception:
    """Inception module ``name`` ('3a' … '5b') of Table 1.

    >>> inception("3b", 256)(torch.zeros(1, 256, 4, 4)).shape[1]
    480
    """
    c1, r3, c3, r5, c5, pool = TABLE1[name]
    return Inception(in_channels, c1, (r3, c3), (r5, c5), pool)


def _aux_classifier(in_channels: int, side: int, num_classes: int) -> Sequential:
    """The paper's auxiliary head: 5×5/3 average pool, 1×1 conv 128, FC 1024, 70% dropout, FC."""
    pool = AvgPool2d(kernel_size=5, stride=3)
    return Sequential(
        pool,
        _conv_relu(in_channels, 128, 1),
        Flatten(),
        Linear(128 * size_after(side, [pool]) ** 2, 1024),
        ReLU(inplace=True),
        Dropout(0.7),
        Linear(1024, num_classes),
    )


class GoogLeNet(Module):
    """Inception v1 per Table 1: stem, 3a-3b, pool, 4a-4e, pool, 5a-5b, global average, 40% dropout, FC.

    ``aux_logits``: add the auxiliary classifiers after 4a and 4d; in training mode ``forward`` then
    returns ``(logits, aux1, aux2)``, in eval mode only the logits.

    Shape:
        ``(N, in_channels, image_size, image_size)`` → ``(N, num_classes)`` (224 → 112 → 56 → 28 → 14 → 7).
    """

    def __init__(
        self,
        num_classes: int = 1000,
        in_channels: int = 3,
        aux_logits: bool = False,
        image_size: int = 224,
    ) -> None:
        super().__init__()
        self.stem = Sequential(
            _conv_relu(in_channels, 64, 7, stride=2),
            MaxPool2d(3, stride=2, padding=1),
            _conv_relu(64, 64, 1),
            _conv_relu(64, 192, 3),
            MaxPool2d(3, stride=2, padding=1),
        )
        self.stage3 = Sequential(
            inception("3a", 192), inception("3b", 256), MaxPool2d(3, 2, padding=1)
        )
        self.stage4a = inception("4a", 480)
        self.stage4bcd = Sequential(
            inception("4b", 512), inception("4c", 512), inception("4d", 512)
        )
        self.stage4e = Sequential(inception("4e", 528), MaxPool2d(3, stride=2, padding=1))
        self.stage5 = Sequential(inception("5a", 832), inception("5b", 832))
        self.head = Sequential(
            AdaptiveAvgPool2d((1, 1)), Flatten(), Dropout(0.4), Linear(1024, num_classes)
        )
        side4 = size_after(image_size, [*self.stem, self.stage3[2]])
        self.aux1 = _aux_classifier(512, side4, num_classes) if aux_logits else None
        self.aux2 = _aux_classifier(528, side4, num_classes) if aux_logits else None

    def forward(
        self, x: torch.Tensor
    ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self.stage4a(self.stage3(self.stem(x)))
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.stage4bcd(x)
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        logits = self.head(self.stage5(self.stage4e(x)))
        if aux1 is not None and aux2 is not None:
            return logits, aux1, aux2
        return logits


def googlenet(
    num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False, image_size: int = 224
) -> GoogLeNet:
    """GoogLeNet (Inception v1) with the paper's 5×5 branches; see :class:`GoogLeNet`.

    >>> googlenet(num_classes=10).eval()(torch.zeros(1, 3, 64, 64)).shape
    torch.Size([1, 10])
    """
    return GoogLeNet(num_classes, in_channels, aux_logits, image_size)
