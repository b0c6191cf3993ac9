"""``run``: send one submission to a warm worker and read back plain numbers.

The parent writes the source and the inputs into a fresh job directory (``jobdir.py``), pre-creates the
output files, and afterwards loads outputs with ``allow_pickle=False``, accepting only plain numeric
ndarrays within the size caps. Nothing the child wrote is ever unpickled or executed here.
"""

from __future__ import annotations

import keyword
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from cnngrade.grader.sandbox import isolation, jobdir, outputs, pool
from cnngrade.grader.sandbox.api import (
    Call,
    CallResult,
    LayerRecord,
    Limits,
    ModuleProbe,
    RunReport,
)
from cnngrade.grader.sandbox.forbidden import Forbidden, static_scan

#: Every status a ``CallResult`` may have (a child claiming another one crashed).
STATUSES = frozenset(
    (
        "ok",
        "exception",
        "timeout",
        "memory",
        "forbidden",
        "invalid_output",
        "mutated_input",
        "crashed",
    )
)


def _validate(source: str, entry: str, limits: Limits, filename: str, device) -> None:
    if not isinstance(source, str):
        raise ValueError(f"source={type(source).__name__}: expected the submission's text as str")
    if not (isinstance(entry, str) and entry.isidentifier() and not keyword.iskeyword(entry)):
        raise ValueError(f"entry={entry!r}: expected the name of a function or class")
    if not isinstance(filename, str) or not filename or "/" in filename or "\0" in filename:
        raise ValueError(f"filename={filename!r}: expected a plain file name like 'submission.py'")
    if device is not None and str(device).split(":")[0] not in ("cpu", "cuda"):  # str/torch.device
        raise ValueError(f"device={device!r}: expected None, 'cpu', 'cuda' or 'cuda:<index>'")
    for name, value in vars(limits).items():
        if not value > 0:
            raise ValueError(f"limits.{name}={value!r}: expected a positive number")


def _read_capped(path: str, cap: int) -> str:
    try:
        with outputs.open_regular(path) as fh:
            data = fh.read(cap + 1)
    except ValueError as exc:
        return f"[not read: {exc}]"
    text = data[:cap].decode("utf-8", errors="replace")
    return text + ("\n[... output truncated]" if len(data) > cap else "")


def _load_output(path: str, limits: Limits) -> np.ndarray:
    """A plain numeric ndarray from the child's .npy, or ValueError saying why not (never allocating
    more than the header's claimed size, checked against the limit and the file first)."""
    return outputs.load_plain_npy(path, limits.max_output_bytes)


def _result_or_invalid(raw, i: int, n_out: int, job_dir: str, limits: Limits) -> CallResult:
    """``_result``, total: a raw result the child garbled is the student's ``invalid_output``."""
    try:
        if not isinstance(raw, dict):
            raise ValueError(f"a {type(raw).__name__} instead of a result")
        return _result(raw, i, n_out, job_dir, limits)
    except Exception as exc:  # noqa: BLE001 - anything the child wrote is hostile, never a crash here
        message = f"the result could not be read ({type(exc).__name__}: {str(exc)[:200]})"
        return CallResult(status="invalid_output", message=message)


def _result(raw: dict, i: int, n_out: int, job_dir: str, limits: Limits) -> CallResult:
    status = raw.get("status") if isinstance(raw.get("status"), str) else "crashed"
    status = status if status in STATUSES else "crashed"
    outputs: list[np.ndarray] = []
    message = str(raw.get("message", ""))[:4000]
    if status in ("ok", "mutated_input"):
        try:
            outputs = [
                _load_output(os.path.join(job_dir, f"out_{i}_{k}.npy"), limits)
                for k in range(n_out)
            ]
        except (ValueError, OSError, EOFError) as exc:
            status, message, outputs = "invalid_output", f"the output could not be read: {exc}", []
        except MemoryError:
            status, message, outputs = (
                "invalid_output",
                "the output could not be read: too large",
                [],
            )
    layers = tuple(
        LayerRecord(
            str(r.get("type", "")),
            tuple(r.get("input_shape", ())),
            tuple(r.get("output_shape", ())),
            int(r.get("parameters", 0)),
            dict(r.get("attributes", {})),
        )
        for r in raw.get("layers", ())
        if isinstance(r, dict)
    )
    params = raw.get("parameters")
    return CallResult(
        status=status,
        outputs=tuple(outputs),
        message=message,
        traceback=str(raw.get("traceback", ""))[:8000],
        mutated=tuple(str(m) for m in raw.get("mutated", ())),
        seconds=float(raw.get("seconds", 0.0))
        if isinstance(raw.get("seconds"), (int, float))
        else 0.0,
        parameters=int(params) if isinstance(params, int) else None,
        layers=layers,
        probe=raw["probe"] if isinstance(raw.get("probe"), dict) else {},
    )


def run(
    source: str,
    entry: str,
    calls: Sequence[Call | ModuleProbe],
    *,
    limits: Limits = Limits(),  # noqa: B008 - frozen dataclass, the documented signature
    forbidden: Forbidden = Forbidden(),  # noqa: B008
    require_level: int | None = None,
    filename: str = "submission.py",
    hide_paths: Sequence[str] = (),
    device: str | Any | None = None,
) -> RunReport:
    r"""Run ``entry`` of ``source`` on each call in a sandboxed child of a warm worker.

    Shape:
        one ``CallResult`` per call, in order; outputs are plain numeric ndarrays.

    Args:
        source: the submission's Python text.
        entry: the function (``Call``) or ``nn.Module`` class (``ModuleProbe``) to call.
        calls: inputs only; expected outputs never go to the child.
        limits: time, memory, process and size limits.
        forbidden: names/modules/aten ops refused statically and at run time.
        require_level: refuse (IsolationError) when the machine's isolation level is lower.
        filename: the name tracebacks show for the student's file.
        hide_paths: more directories to hide from the child (e.g. the grader's output folder).
        device: torch device for ``backend="torch"`` calls and module probes (e.g. ``"cuda"``);
            None keeps tensors on the CPU. Outputs always come back as CPU arrays.

    >>> r = run("def f(x):\n    return x * 2\n", "f", [Call((np.arange(3.0),))])
    >>> r.results[0].status, r.results[0].outputs[0].tolist()
    ('ok', [0.0, 2.0, 4.0])
    """
    _validate(source, entry, limits, filename, device)
    iso = isolation.check_required(require_level)
    job = {
        "entry": entry,
        "filename": filename,
        "forbidden": forbidden.to_json(),
        "device": str(device) if device is not None else None,
        "limits": {**vars(limits), "tmpfs_mb": limits.memory_mb},
    }
    shared = pool.shared_pool()
    for attempt in (1, 2):  # a worker that died is a grader fault: retry once on a fresh one
        worker = shared.acquire()
        try:
            report = _run_on(worker, job, source, calls, limits, tuple(hide_paths))
            break
        except pool.WorkerError:
            if attempt == 2:
                raise
        finally:
            shared.release(worker)
    return replace(report, isolation=iso, static_violations=static_scan(source, forbidden))


def _run_on(
    worker: pool.Worker, job: dict, source: str, calls: Sequence, limits: Limits, hide: tuple
) -> RunReport:
    """One submission on one worker, in a fresh job directory removed afterwards."""
    base = isolation.base_plan()
    plan = {
        "unshare": base["unshare"],
        "userns": base["userns"],
        "minimal_root": base.get("minimal_root", False),
        "cgroup": base["cgroup"],
        "seccomp": base.get("seccomp", False),
        "uid": worker.uid if base["uid_drop"] else None,
        "hide": isolation.hidden_paths(hide),
    }
    job_dir = tempfile.mkdtemp(prefix="job-", dir=jobdir.jobs_dir())
    try:
        t0 = time.perf_counter()
        encoded, counts = jobdir.prepare(job_dir, source, calls, plan)
        t1 = time.perf_counter()
        answer = worker.request(
            {"job": {**job, "job_dir": job_dir, "calls": encoded}, "plan": plan},
            timeout=limits.wall_s_total + 30,
        )
        t2 = time.perf_counter()
        if not answer.get("swept", True):
            warnings.warn(
                "sandbox: some processes of the last run could not be confirmed dead; "
                "see docs/ISOLATION.md",
                RuntimeWarning,
                stacklevel=3,
            )
        results = tuple(
            _result_or_invalid(raw, i, counts[i], job_dir, limits)
            for i, raw in enumerate(answer["results"])
        )
        return RunReport(
            results=results,
            isolation=isolation.probe_isolation(),
            load_error=answer["load_error"],
            stdout=_read_capped(os.path.join(job_dir, "stdout.txt"), limits.max_stdout_bytes),
            stderr=_read_capped(os.path.join(job_dir, "stderr.txt"), limits.max_stdout_bytes),
            timings={
                "prepare_s": t1 - t0,
                **answer.get("phases", {}),
                "collect_s": time.perf_counter() - t2,
            },
        )
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)
