"""cnngrade: randomized CNN exercises and an autograder, with a PyTorch reference.

The one import package this project installs. Its subpackages live in the repository's top-level
folders and are mapped here by ``[tool.setuptools.package-dir]`` in ``pyproject.toml``:

- ``cnngrade.reference`` (``reference/``): the PyTorch reference and the closed-form analytics;
- ``cnngrade.exercises`` (``exercises/``): the randomized exercise bank;
- ``cnngrade.grader`` (``grader/``): answer and code grading, the sandbox, the CLI.

Instructor solutions (``solutions/``) stay in the checkout and are never installed.
"""

__version__ = "0.2.0"
