"""A small class with typed answers and one code slot, and its Gradescope bundle (built once)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from cnngrade.grader.gradescope import Bundle, build_bundle

from ..classdata import MANIFEST

CODE_MANIFEST = MANIFEST + "  - {id: corr2d, points: 3, seconds: 2}\n"
ROSTER = "id,name,lang,email\ns1,Ada Lovelace,en,ada@uni.edu\ns2,Bob Chen,zh,bob@uni.edu\n"
CORRECT_CORR2D = """import numpy as np


def corr2d(X, K):
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
"""
FLIPPED_CORR2D = CORRECT_CORR2D.replace(
    "    h, w = K.shape\n", "    h, w = K.shape\n    K = np.flip(K)\n"
)


@dataclass(frozen=True)
class Course:
    folder: Path
    manifest: Path
    roster: Path
    bundle: Bundle
    wheel: Path  # the wheel inside the bundle, extracted (reused to build more bundles quickly)


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Course:
    folder = tmp_path_factory.mktemp("course")
    manifest = folder / "assignment.yaml"
    manifest.write_text(CODE_MANIFEST, encoding="utf-8")
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    bundle = build_bundle(manifest, folder / "autograder.zip", roster=roster, id_field="email")
    with zipfile.ZipFile(bundle.path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".whl")]
        wheel = Path(archive.extract(name, folder / "wheel"))
    return Course(folder, manifest, roster, bundle, wheel)
