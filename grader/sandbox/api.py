"""The contract between code grading (``grader/code``) and the sandbox that runs student code.

Plain data only. The parent sends *inputs* (``Call`` / ``ModuleProbe``); the child sends back raw
numeric arrays (``.npy``, loaded with ``allow_pickle=False``) and JSON facts. Expected outputs never
cross into the child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Backend = Literal["numpy", "torch"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission (all its calls) and for each call."""

    wall_s_per_call: float = 10.0
    wall_s_total: float = 60.0
    cpu_s_total: float = 60.0
    memory_mb: int = 2048
    max_processes: int = 32
    max_output_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 64 * 1024 * 1024
    max_stdout_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Call:
    """One call of the student's function: ``entry(*args, **kwargs)``.

    Arrays in ``args``/``kwargs`` are ``np.ndarray``; with ``backend="torch"`` they are handed to the
    student as torch tensors of the same dtype. Other values: int, float, bool, None, tuples of those.
    ``outputs``: how many arrays the function returns (1, or the tuple length, e.g. 3 for
    ``(dx, dweight, dbias)``).
    """

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    backend: Backend = "numpy"
    outputs: int = 1


@dataclass(frozen=True)
class TiedOp:
    """One parametrized op of a reference block: its kind, parameter slots and their weights."""

    kind: str
    slots: tuple[str, ...]
    arrays: tuple[np.ndarray, ...]
    #: the parametrized ops feeding this one (positions in the reference's list; -1: the input)
    after: tuple[int, ...] = ()
    #: the kinds of the parameter-free ops between those and this one (``relu``, ``max_pool2d`` ...)
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class TiedReference:
    """A reference block (one accepted convention): its parametrized ops in forward-use order."""

    name: str
    ops: tuple[TiedOp, ...]


@dataclass(frozen=True)
class ModuleProbe:
    """Instantiate the student's ``nn.Module`` class and observe it (torch backend).

    The child builds ``entry(**init_kwargs)`` after ``torch.manual_seed(seed)``, puts it in ``mode``,
    applies each named ``action`` (a fixed vocabulary the child runtime implements, e.g.
    ``"zero_last_batchnorm_weight"``), runs it on each input, and reports outputs plus structure.

    With ``references`` it is a behaviour probe: the child builds ``entry(*args)`` for the first
    argument list of ``alternatives`` the entry's signature accepts, materializes lazy layers with a
    dry forward, ties each reference's weights to the parametrized ops its forward uses, and runs
    every input in every one of ``modes``; ``CallResult.outputs[0]`` packs the outputs (and the tied
    ops' inputs and outputs) and ``CallResult.probe`` says where each piece is.
    """

    init_kwargs: dict[str, Any]
    inputs: tuple[np.ndarray, ...]
    seed: int = 0
    mode: Literal["train", "eval"] = "eval"
    actions: tuple[str, ...] = ()
    alternatives: tuple[tuple[Any, ...], ...] = ()
    modes: tuple[str, ...] = ("eval",)
    references: tuple[TiedReference, ...] = ()
    max_candidates: int = 8


@dataclass(frozen=True)
class LayerRecord:
    """One leaf layer as the child observed it in the forward pass (no student object crosses)."""

    type: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    parameters: int
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallResult:
    """What came back from one call.

    ``status``: ``"ok"``, ``"exception"``, ``"timeout"``, ``"memory"``, ``"forbidden"``,
    ``"invalid_output"`` (not a plain numeric array / wrong count), ``"mutated_input"`` (an argument
    was modified in place; ``mutated`` lists which), or ``"crashed"`` (the child died).
    """

    status: str
    outputs: tuple[np.ndarray, ...] = ()
    message: str = ""
    traceback: str = ""
    mutated: tuple[str, ...] = ()
    seconds: float = 0.0
    parameters: int | None = None
    layers: tuple[LayerRecord, ...] = ()
    #: behaviour probes: the child's JSON facts (``trace``, ``segments``, ``candidates``), untrusted
    probe: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Isolation:
    """The isolation level actually in force, as probed at start-up (recorded in every result)."""

    level: int
    name: str
    mechanisms: tuple[str, ...]
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunReport:
    """All results for one submission, in the order of the calls."""

    results: tuple[CallResult, ...]
    isolation: Isolation
    stdout: str = ""
    stderr: str = ""
    load_error: str = ""
    static_violations: tuple[str, ...] = ()
    #: seconds spent per phase (``prepare_s``, ``setup_s``, ``calls_s``, ``teardown_s``, ``collect_s``)
    timings: dict[str, float] = field(default_factory=dict)
