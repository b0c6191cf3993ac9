"""The job directory: where the parent puts a submission's source and inputs for the child.

All input arrays go into one raw ``inputs.bin`` (the child slices it by offset, shape and dtype, with
no per-array header to parse); the output files and stdout/stderr files are pre-created here, owned
by the child's uid, so the child can fill them but create nothing else beside them.
"""

from __future__ import annotations

import atexit
import multiprocessing.util
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Sequence

import numpy as np

from cnngrade.grader.sandbox.api import Call, ModuleProbe

_SCALARS = (bool, int, float, str, type(None))
#: Job directories live in RAM when possible (the child reaches its own through a descriptor only).
_RAM_DIR = "/dev/shm"
_job_root: str | None = None
_job_root_pid = 0
_JOB_ROOT_NAME = re.compile(r"cnngrade-(\d+)-\w+")
_job_root_lock = threading.Lock()


def jobs_dir() -> str:
    """This process's private (0700) parent of all job directories, removed at exit.

    An unprivileged child that walks ``..`` from its own job directory meets a directory it may not
    list or enter, so it can neither read another submission's files nor write beside its own.
    Removed at interpreter exit and when a ``multiprocessing`` worker ends (those leave through
    ``os._exit``, skipping ``atexit``); what a killed process left is swept by the next one.
    """
    global _job_root
    with _job_root_lock:
        if _job_root is None or not os.path.isdir(_job_root) or _job_root_pid != os.getpid():
            _new_job_root()
        return _job_root


def _new_job_root() -> None:
    global _job_root, _job_root_pid
    base = _RAM_DIR if os.path.isdir(_RAM_DIR) else tempfile.gettempdir()
    sweep_stale(base)
    pid = os.getpid()
    _job_root, _job_root_pid = tempfile.mkdtemp(prefix=f"cnngrade-{pid}-", dir=base), pid
    atexit.register(_remove, _job_root, pid, base)
    multiprocessing.util.Finalize(None, _remove, args=(_job_root, pid, base), exitpriority=0)


def _remove(root: str, pid: int, base: str) -> None:
    """Remove ``root`` if this process made it (a fork inherits the handler, not the folder)."""
    if os.getpid() == pid:
        shutil.rmtree(root, ignore_errors=True)
        sweep_stale(base)


def sweep_stale(base: str = _RAM_DIR) -> list[str]:
    """Remove the ``cnngrade-<pid>-*`` job roots in ``base`` whose process is gone; return them.

    >>> d = tempfile.mkdtemp()
    >>> os.mkdir(os.path.join(d, "cnngrade-999999999-x"))
    >>> [os.path.basename(p) for p in sweep_stale(d)], os.listdir(d)
    (['cnngrade-999999999-x'], [])
    >>> os.rmdir(d)
    """
    removed = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        match = _JOB_ROOT_NAME.fullmatch(entry.name)
        if match is None or int(match[1]) == os.getpid() or _alive(int(match[1])):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # someone else's live process
        pass
    return True


class _Blob:
    """All input arrays of a job as one raw file; each argument refers to (offset, shape, dtype)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, arr: np.ndarray) -> list:
        data = np.ascontiguousarray(arr).tobytes()
        ref = [self.size, list(arr.shape), arr.dtype.str]
        pad = -len(data) % 64  # keep every array aligned
        self.chunks += [data, b"\0" * pad]
        self.size += len(data) + pad
        return ref


def _encode(value, path: str, job_dir: str, counter: _Blob):
    """JSON form of one argument; arrays go into the job's ``inputs.bin``."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise ValueError(
                f"{path}: array of dtype {value.dtype}; the sandbox passes numeric arrays only"
            )
        return {"__ndarray__": counter.add(value)}
    if isinstance(value, tuple):
        return {
            "__tuple__": [_encode(v, f"{path}[{i}]", job_dir, counter) for i, v in enumerate(value)]
        }
    if isinstance(value, list):
        return [_encode(v, f"{path}[{i}]", job_dir, counter) for i, v in enumerate(value)]
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, _SCALARS):
        return value
    raise ValueError(
        f"{path}: {type(value).__name__} cannot go to the sandbox; use arrays, numbers, tuples"
    )


def _encode_tied(call: ModuleProbe, i: int, job_dir: str, counter: _Blob) -> dict:
    """A behaviour probe's argument lists and reference weights (its outputs come packed as one)."""
    where = f"calls[{i}]"

    def encode_op(op) -> dict:
        return {
            "kind": str(op.kind),
            "slots": [str(s) for s in op.slots],
            "after": [int(a) for a in op.after],
            "path": [str(k) for k in op.path],
            "arrays": [
                _encode(np.asarray(a), f"{where}.references", job_dir, counter) for a in op.arrays
            ],
        }

    return {
        "alternatives": [
            _encode(list(a), f"{where}.alternatives", job_dir, counter) for a in call.alternatives
        ],
        "modes": [m for m in call.modes if m in ("train", "eval")],
        "max_candidates": int(call.max_candidates),
        "references": [
            {"name": str(r.name), "ops": [encode_op(op) for op in r.ops]} for r in call.references
        ],
    }


def _encode_call(
    call: Call | ModuleProbe, i: int, job_dir: str, counter: _Blob
) -> tuple[dict, int]:
    """(JSON form, number of outputs) of call ``i``."""
    if isinstance(call, ModuleProbe):
        inputs = [
            _encode(x, f"calls[{i}].inputs[{k}]", job_dir, counter)
            for k, x in enumerate(call.inputs)
        ]
        if call.mode not in ("train", "eval"):
            raise ValueError(f"calls[{i}].mode={call.mode!r}: expected 'train' or 'eval'")
        init = {
            k: _encode(v, f"calls[{i}].init_kwargs[{k!r}]", job_dir, counter)
            for k, v in call.init_kwargs.items()
        }
        encoded = {
            "kind": "probe",
            "init_kwargs": init,
            "inputs": inputs,
            "seed": int(call.seed),
            "mode": call.mode,
            "actions": list(call.actions),
        }
        if not call.references:
            return encoded, len(inputs)
        return {**encoded, **_encode_tied(call, i, job_dir, counter)}, 1
    if not isinstance(call, Call):
        raise ValueError(f"calls[{i}]={type(call).__name__}: expected a Call or a ModuleProbe")
    if call.backend not in ("numpy", "torch") or not (
        isinstance(call.outputs, int) and call.outputs >= 1
    ):
        raise ValueError(
            f"calls[{i}]: backend={call.backend!r}, outputs={call.outputs!r}; "
            "expected 'numpy'/'torch' and outputs >= 1"
        )
    args = [_encode(a, f"calls[{i}].args[{k}]", job_dir, counter) for k, a in enumerate(call.args)]
    kwargs = {
        k: _encode(v, f"calls[{i}].kwargs[{k!r}]", job_dir, counter) for k, v in call.kwargs.items()
    }
    return {
        "kind": "call",
        "args": args,
        "kwargs": kwargs,
        "backend": call.backend,
        "outputs": call.outputs,
    }, call.outputs


def prepare(job_dir: str, source: str, calls: Sequence, plan: dict) -> tuple[list[dict], list[int]]:
    """Write source and inputs; pre-create stdout/stderr and output files the child may write.

    Returns the JSON form of each call and how many outputs each produces.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> enc, counts = prepare(d, "f = 1", [Call((np.zeros(2), 3), outputs=2)], {})
    >>> enc[0]["args"], counts, sorted(os.listdir(d))[:3]
    ([{'__ndarray__': [0, [2], '<f8']}, 3], [2], ['inputs.bin', 'out_0_0.npy', 'out_0_1.npy'])
    >>> shutil.rmtree(d)
    """
    with open(os.path.join(job_dir, "source.py"), "w", encoding="utf-8") as fh:
        fh.write(source)
    counter = _Blob()
    encoded, counts = [], []
    for i, call in enumerate(calls):
        enc, n_out = _encode_call(call, i, job_dir, counter)
        encoded.append(enc)
        counts.append(n_out)
    with open(os.path.join(job_dir, "inputs.bin"), "wb") as fh:
        fh.writelines(counter.chunks)
    owned = ["stdout.txt", "stderr.txt"]
    owned += [f"out_{i}_{k}.npy" for i, n in enumerate(counts) for k in range(n)]
    os.mkdir(os.path.join(job_dir, "scratch"))
    for name in owned:
        open(os.path.join(job_dir, name), "wb").close()
    if plan.get("uid") is not None:
        for name in [*owned, "scratch"]:
            os.chown(os.path.join(job_dir, name), plan["uid"], plan["uid"])
    os.chmod(job_dir, 0o755)
    return encoded, counts
