"""The zoo registry: names, options, helpful errors, and reference layers underneath."""

from __future__ import annotations

import pytest
import torch

import cnngrade.reference.nn
from cnngrade.reference.models import get, names, options


def test_names_cover_every_family():
    expected = {
        "lenet5",
        "lenet5_1998",
        "alexnet",
        "alexnet_2gpu",
        "vgg11",
        "vgg11_lrn",
        "vgg13",
        "vgg16_c",
        "vgg16",
        "vgg19",
        "vgg16_bn",
        "nin",
        "googlenet",
        "resnet18",
        "resnet34",
        "resnet50",
        "resnet101",
        "resnet152",
        "densenet121",
        "densenet161",
        "densenet169",
        "densenet201",
        "mobilenet_v1",
        "shufflenet_v1",
    }
    assert expected <= set(names())
    assert names() == sorted(names())


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"unknown model name 'resnet51'.*'resnet50'"):
        get("resnet51")


def test_unknown_option_lists_the_options():
    with pytest.raises(ValueError, match=r"no option 'classes'.*num_classes"):
        get("resnet18", classes=3)


def test_every_model_takes_num_classes_and_in_channels():
    for name in names():
        assert {"num_classes", "in_channels"} <= set(options(name)), name


@pytest.mark.parametrize("bad", [{"depth": 3}, {"config": "Z"}])
def test_bad_family_arguments_raise(bad):
    from cnngrade.reference.models import resnet, vgg

    with pytest.raises(ValueError, match="must be one of"):
        resnet(**bad) if "depth" in bad else vgg(**bad)


def test_zoo_layers_are_reference_layers():
    with torch.device("meta"):
        net = get("resnet18")
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs and all(isinstance(m, cnngrade.reference.nn.Conv2d) for m in convs)


def test_state_dict_loads_into_a_torch_twin():
    from cnngrade.reference.models import lenet5

    ours = lenet5()
    twin = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2),
        torch.nn.Sigmoid(),
        torch.nn.AvgPool2d(2),
        torch.nn.Conv2d(6, 16, 5),
        torch.nn.Sigmoid(),
        torch.nn.AvgPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120),
        torch.nn.Sigmoid(),
        torch.nn.Linear(120, 84),
        torch.nn.Sigmoid(),
        torch.nn.Linear(84, 10),
    )
    twin.load_state_dict(ours.state_dict())
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(ours(x), twin(x))
