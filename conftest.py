"""Suite-wide pytest settings: the device switch and the guard against a run that tests nothing."""

from __future__ import annotations

import os

import pytest
import torch

_DEVICE = os.environ.get("CNNGRADE_DEVICE", "cpu")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``gpu`` unless CNNGRADE_DEVICE=cuda and CUDA is present."""
    if _DEVICE.startswith("cuda") and torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs CNNGRADE_DEVICE=cuda and a CUDA GPU")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no tests is a broken run, whatever pytest's own exit code says."""
    if session.testscollected == 0 and not hasattr(session.config, "workerinput"):
        session.exitstatus = 1


@pytest.fixture(scope="session")
def device() -> torch.device:
    """The device every reference test runs on (CNNGRADE_DEVICE, default cpu)."""
    dev = torch.device(_DEVICE)
    if dev.type == "cuda" and not torch.cuda.is_available():
        pytest.skip("CNNGRADE_DEVICE=cuda but no CUDA GPU is present")
    return dev
