"""d2l's blocks (``reference.models.d2l``) compute what d2l's PyTorch code computes with the same weights."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from cnngrade.reference.models import d2l


class TorchResidual(nn.Module):
    """d2l 7.6 (PyTorch), verbatim but for names."""

    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(
            input_channels, num_channels, kernel_size=3, padding=1, stride=strides
        )
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = (
            nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
            if use_1x1conv
            else None
        )
        self.bn1, self.bn2 = nn.BatchNorm2d(num_channels), nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def _same(ours: nn.Module, theirs: nn.Module, x: torch.Tensor) -> None:
    theirs.load_state_dict(ours.state_dict())
    for train in (False, True):
        ours.train(train), theirs.train(train)
        torch.testing.assert_close(ours(x), theirs(x), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    ("args", "shape"), [((3, 3), (2, 3, 6, 6)), ((3, 6, True, 2), (2, 3, 7, 7))]
)
def test_residual_is_d2ls(args, shape) -> None:
    g = torch.Generator().manual_seed(0)
    _same(
        d2l.Residual(*args).double(),
        TorchResidual(*args).double(),
        torch.randn(shape, generator=g, dtype=torch.float64),
    )


def test_dense_and_transition_blocks_are_d2ls() -> None:
    def conv_block(i, n):
        return nn.Sequential(
            nn.BatchNorm2d(i), nn.ReLU(), nn.Conv2d(i, n, kernel_size=3, padding=1)
        )

    class TorchDense(nn.Module):
        def __init__(self, num_convs, input_channels, num_channels):
            super().__init__()
            self.net = nn.Sequential(
                *(
                    conv_block(num_channels * i + input_channels, num_channels)
                    for i in range(num_convs)
                )
            )

        def forward(self, X):
            for blk in self.net:
                X = torch.cat((X, blk(X)), dim=1)
            return X

    x = torch.randn(2, 3, 6, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    _same(d2l.DenseBlock(2, 3, 4).double(), TorchDense(2, 3, 4).double(), x)
    theirs = nn.Sequential(
        nn.BatchNorm2d(3),
        nn.ReLU(),
        nn.Conv2d(3, 2, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2),
    )
    _same(d2l.transition_block(3, 2).double(), theirs.double(), x)
    assert d2l.transition_block(3, 2)[2].bias is not None


def test_residual_refuses_a_missing_projection() -> None:
    with pytest.raises(ValueError, match="pass use_1x1conv=True"):
        d2l.Residual(3, 6)
