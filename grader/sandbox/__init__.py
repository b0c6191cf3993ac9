"""Run untrusted student code in an isolated child process (see api.py for the contract).

``run`` sends a submission to a warm worker (numpy and torch already imported) that forks one
confined child per submission; ``probe_isolation`` says how strong that confinement is here.
"""

from cnngrade.grader.sandbox.api import (
    Call,
    CallResult,
    Isolation,
    LayerRecord,
    Limits,
    ModuleProbe,
    RunReport,
)
from cnngrade.grader.sandbox.forbidden import Forbidden, forbidden_message, static_scan
from cnngrade.grader.sandbox.isolation import IsolationError, probe_isolation
from cnngrade.grader.sandbox.notebook import extract_notebook_code
from cnngrade.grader.sandbox.pool import WorkerError, configure
from cnngrade.grader.sandbox.run import run

__all__ = [
    "Call",
    "CallResult",
    "Forbidden",
    "Isolation",
    "IsolationError",
    "LayerRecord",
    "Limits",
    "ModuleProbe",
    "RunReport",
    "WorkerError",
    "configure",
    "extract_notebook_code",
    "forbidden_message",
    "probe_isolation",
    "run",
    "static_scan",
]
