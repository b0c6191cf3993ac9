"""Warm workers: interpreters that imported numpy and torch once and fork a sandbox per submission.

A worker is started with ``python -I`` and loads ``grader/sandbox/runtime`` by file path under a
private package name, so nothing of reference/, exercises/ or grader/ is ever imported in it. Up to
``os.cpu_count()`` workers serve ``run`` calls from any number of threads.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import subprocess
import sys
import threading
from pathlib import Path

from cnngrade.grader.sandbox.runtime import safejson

RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"
_BOOT = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "_cnngrade_runtime", {init!r}, submodule_search_locations=[{dir!r}])
pkg = importlib.util.module_from_spec(spec)
sys.modules["_cnngrade_runtime"] = pkg
spec.loader.exec_module(pkg)
import _cnngrade_runtime.worker as worker
worker.main()
"""
UID_BASE = 100_000
#: A child's message nests at most ``safejson.MAX_DEPTH`` deep; the answer wraps it in a few levels.
ANSWER_DEPTH = safejson.MAX_DEPTH + 8


class WorkerError(RuntimeError):
    """A worker died or answered nonsense (a grader-side failure, never a student's verdict)."""


class Worker:
    """One warm worker process and its request/response pipes."""

    def __init__(self, start_timeout: float = 120.0) -> None:
        boot = _BOOT.format(init=str(RUNTIME_DIR / "__init__.py"), dir=str(RUNTIME_DIR))
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", boot],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd="/",
            close_fds=True,
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "OMP_NUM_THREADS": "1",
                "LANG": "C.UTF-8",
            },
        )
        self.uid = UID_BASE + self.proc.pid
        if self._read_line(start_timeout).get("ready") is not True:
            raise WorkerError("the sandbox worker did not start")

    def _read_line(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.close()
            raise WorkerError(f"the sandbox worker gave no answer within {timeout:.0f} s")
        try:  # the worker bounds what it relays from a child; this bounds it once more
            answer = safejson.loads(line, max_bytes=len(line), max_depth=ANSWER_DEPTH)
        except ValueError as exc:
            self.close()
            raise WorkerError(f"the sandbox worker answered nonsense ({exc})") from None
        if not isinstance(answer, dict):
            self.close()
            raise WorkerError("the sandbox worker answered nonsense (not a JSON object)")
        return answer

    def request(self, message: dict, timeout: float) -> dict:
        """Send one job and wait for its answer (``timeout`` covers the whole submission)."""
        try:
            self.proc.stdin.write((json.dumps(message) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.close()
            raise WorkerError(f"the sandbox worker is gone ({exc})") from None
        answer = self._read_line(timeout)
        if "worker_error" in answer:
            raise WorkerError(f"the sandbox worker failed: {answer['worker_error']}")
        return answer

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """Stop the worker (closing stdin ends its loop; kill if it lingers)."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class Pool:
    """Up to ``size`` workers, started lazily, lent to one submission at a time."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or os.cpu_count() or 1
        if not isinstance(self.size, int) or self.size < 1:
            raise ValueError(f"size={size!r}: expected a positive number of workers")
        self._idle: list[Worker] = []
        self._all: list[Worker] = []
        self._cond = threading.Condition()

    def acquire(self) -> Worker:
        """An idle worker, starting one if fewer than ``size`` exist, else wait for one."""
        with self._cond:
            while not self._idle and len(self._all) >= self.size:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            placeholder = object()
            self._all.append(placeholder)
        try:
            worker = Worker()
        except BaseException:
            with self._cond:
                self._all.remove(placeholder)
                self._cond.notify()
            raise
        with self._cond:
            self._all[self._all.index(placeholder)] = worker
        return worker

    def release(self, worker: Worker) -> None:
        """Give a worker back; a dead one is dropped and replaced lazily."""
        with self._cond:
            if worker.alive():
                self._idle.append(worker)
            elif worker in self._all:
                self._all.remove(worker)
            self._cond.notify()

    def close(self) -> None:
        """Stop every worker."""
        with self._cond:
            workers = [w for w in self._all if isinstance(w, Worker)]
            self._all, self._idle = [], []
        for worker in workers:
            worker.close()


_pool: Pool | None = None
_pool_lock = threading.Lock()


def shared_pool() -> Pool:
    """The process-wide pool (closed at exit)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool()
            atexit.register(_pool.close)
        return _pool


def configure(size: int) -> None:
    """Replace the shared pool by one of ``size`` workers (e.g. 1 for a single-core grader)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.close()
        _pool = Pool(size)
        atexit.register(_pool.close)
