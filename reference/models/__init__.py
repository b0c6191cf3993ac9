"""The classic CNN zoo built from reference layers, and a registry: ``get(name, **options)``, ``names()``.

Every builder takes ``num_classes`` and ``in_channels``; some take ``image_size`` (the flattened size
of their first FC layer is derived from it) or family options (``aux_logits``, ``width_multiplier``,
``groups``, ``compression``).

>>> get("lenet5").__class__.__name__
'Sequential'
>>> "resnet50" in names()
True
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable

import torch

from cnngrade.reference.models.alexnet import alexnet, alexnet_2gpu
from cnngrade.reference.models.densenet import DenseBlock, conv_block, densenet, transition_block
from cnngrade.reference.models.googlenet import GoogLeNet, Inception, googlenet, inception
from cnngrade.reference.models.lenet import PartialConv2d, lenet5, lenet5_1998
from cnngrade.reference.models.mobilenet import depthwise_separable_block, mobilenet_v1
from cnngrade.reference.models.nin import nin, nin_block
from cnngrade.reference.models.resnet import Bottleneck, Residual, resnet
from cnngrade.reference.models.shufflenet import ShuffleNetUnit, shufflenet_v1
from cnngrade.reference.models.vgg import vgg, vgg_block

_VGG = {
    "vgg11": "A",
    "vgg11_lrn": "A-LRN",
    "vgg13": "B",
    "vgg16_c": "C",
    "vgg16": "D",
    "vgg19": "E",
}


def _named(
    builder: Callable[..., torch.nn.Module], **fixed: object
) -> Callable[..., torch.nn.Module]:
    """``builder`` with ``fixed`` arguments bound, keeping the remaining signature for option checks."""
    bound = functools.partial(builder, **fixed)
    signature = inspect.signature(builder)
    bound.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for name, p in signature.parameters.items() if name not in fixed]
    )
    return bound


_REGISTRY: dict[str, Callable[..., torch.nn.Module]] = {
    "lenet5": lenet5,
    "lenet5_1998": lenet5_1998,
    "alexnet": alexnet,
    "alexnet_2gpu": alexnet_2gpu,
    **{name: _named(vgg, config=config) for name, config in _VGG.items()},
    **{
        f"{name}_bn": _named(vgg, config=config, batch_norm=True)
        for name, config in _VGG.items()
        if "lrn" not in name
    },
    "nin": nin,
    "googlenet": googlenet,
    **{f"resnet{d}": _named(resnet, depth=d) for d in (18, 34, 50, 101, 152)},
    **{f"densenet{d}": _named(densenet, depth=d) for d in (121, 161, 169, 201)},
    "mobilenet_v1": mobilenet_v1,
    "shufflenet_v1": shufflenet_v1,
}


def names() -> list[str]:
    """Every registered model name, sorted."""
    return sorted(_REGISTRY)


def options(name: str) -> dict[str, object]:
    """The options model ``name`` accepts, with their defaults.

    >>> options("lenet5")
    {'num_classes': 10, 'in_channels': 1, 'image_size': 28}
    """
    builder = _lookup(name)
    return {p.name: p.default for p in inspect.signature(builder).parameters.values()}


def get(name: str, **opts: object) -> torch.nn.Module:
    """Build model ``name`` with ``opts`` (``num_classes``, ``in_channels``, …).

    >>> get("resnet18", num_classes=10)[-1]
    Linear(in_features=512, out_features=10, bias=True)
    """
    builder = _lookup(name)
    allowed = options(name)
    unknown = sorted(set(opts) - set(allowed))
    if unknown:
        raise ValueError(
            f"model {name!r} has no option {unknown[0]!r}; its options are {sorted(allowed)}"
        )
    return builder(**opts)


def _lookup(name: str) -> Callable[..., torch.nn.Module]:
    if name not in _REGISTRY:
        close = difflib.get_close_matches(str(name), _REGISTRY, n=3, cutoff=0.5)
        hint = (
            f"; did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else f"; known: {names()}"
        )
        raise ValueError(f"unknown model name {name!r}{hint}")
    return _REGISTRY[name]


__all__ = [
    "Bottleneck",
    "DenseBlock",
    "GoogLeNet",
    "Inception",
    "PartialConv2d",
    "Residual",
    "ShuffleNetUnit",
    "alexnet",
    "alexnet_2gpu",
    "conv_block",
    "densenet",
    "depthwise_separable_block",
    "get",
    "googlenet",
    "inception",
    "lenet5",
    "lenet5_1998",
    "mobilenet_v1",
    "names",
    "nin",
    "nin_block",
    "options",
    "resnet",
    "shufflenet_v1",
    "transition_block",
    "vgg",
    "vgg_block",
]
