"""Turn the worker's view of sandbox runs (messages, exit status, timeouts) into per-call results.

The exit status is a diagnostic only: a call is ``ok`` only when the child reported it done and the
parent later finds its outputs valid.
"""

from __future__ import annotations

import os
import signal
import time


def exit_text(status: int | None) -> str:
    """How a process ended, in words."""
    if status is None or status < 0:
        return "ended in an unknown way"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"was killed by signal {name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def _died(run: dict, limits: dict) -> dict:
    """Status and message for a child that ended without finishing its call."""
    status = run["status"]
    if run["oom"]:
        return {
            "status": "memory",
            "message": f"ran out of memory (limit {limits['memory_mb']} MB)",
        }
    signaled = status is not None and status >= 0 and os.WIFSIGNALED(status)
    if signaled and (
        os.WTERMSIG(status) == signal.SIGXCPU or run["cpu_s"] >= limits["cpu_s_total"]
    ):
        return {
            "status": "timeout",
            "message": f"used more than {limits['cpu_s_total']} s of CPU time",
        }
    if run.get("garbled"):
        return {
            "status": "crashed",
            "message": "wrote an unreadable message (too large or too deeply nested) on the "
            "grader's pipe; the run was stopped",
        }
    if run["flood"]:
        return {
            "status": "crashed",
            "message": "flooded the grader with messages; the run was stopped",
        }
    return {
        "status": "crashed",
        "message": f"the process {exit_text(status)} during the call; "
        "a function must return its result (no sys.exit/os._exit)",
    }


def _split(run: dict) -> tuple[dict | None, dict[int, dict], int | None, bool]:
    """(load error event, done events by index, index of the unfinished call, loaded?).

    A ``setup_error`` after the child said ``armed`` (its set-up done, the student's code about to
    load) was written by that code: it is the student's crash, never a grader fault.
    """
    load_error, done, current, loaded, armed = None, {}, None, False, False
    for event in run["events"]:
        kind = event["ev"]
        if kind == "armed":
            armed = True
        elif kind == "loaded":
            loaded = True
        elif kind in ("load_error", "setup_error") and load_error is None and not loaded:
            load_error = _forged_setup_error() if kind == "setup_error" and armed else event
        elif kind == "start" and isinstance(event.get("i"), int):
            current = event["i"]
        elif kind == "done" and isinstance(event.get("i"), int):
            done.setdefault(event["i"], event)
            current = None if current == event["i"] else current
    return load_error, done, current, loaded


def _forged_setup_error() -> dict:
    return {
        "ev": "load_error",
        "status": "crashed",
        "message": "wrote a fake sandbox message on the grader's pipe",
    }


def next_start(run: dict, start: int, n: int, deadline_total: float) -> int | None:
    """Where the next sandbox run should resume, or None when the submission is finished."""
    load_error, done, current, loaded = _split(run)
    if not loaded or load_error is not None or run["setup_error"]:
        return None
    if current is None:
        missing = [i for i in range(start, n) if i not in done]
        return (
            missing[0]
            if missing and len(done) < n - start and time.monotonic() < deadline_total
            else None
        )
    if current + 1 >= n or time.monotonic() >= deadline_total:
        return None
    return current + 1


def _load_failure(run: dict, load_error: dict | None, limits: dict) -> tuple[str, dict]:
    if run["setup_error"] or (load_error and load_error["ev"] == "setup_error"):
        why = run["setup_error"] or str(load_error.get("message", ""))[:2000]
        raise RuntimeError(f"the sandbox could not be set up: {why}")
    if load_error is not None:
        text = f"your file could not be loaded: {str(load_error.get('message', ''))[:4000]}"
        status = load_error.get("status")
        return text, {
            "status": status if isinstance(status, str) else "crashed",
            "message": text,
            "traceback": str(load_error.get("traceback", ""))[:8000],
        }
    if run["timed_out"]:
        text = (
            f"timed out after {limits['wall_s_per_call']} s while loading your file "
            "(an infinite loop at module level?)"
        )
        return text, {"status": "timeout", "message": text}
    died = _died(run, limits)
    text = f"while loading your file, {died['message']}"
    return text, {"status": died["status"], "message": text}


def _timeout_text(limits: dict, deadline_total: float) -> str:
    if time.monotonic() >= deadline_total:
        return f"timed out: the submission's total time of {limits['wall_s_total']} s ran out"
    return f"timed out after {limits['wall_s_per_call']} s"


def response(runs: list[dict], job: dict, deadline_total: float) -> dict:
    """The worker's answer: one result per call (or None), the load error, and sweep facts."""
    limits, n = job["limits"], len(job["calls"])
    results: list[dict | None] = [None] * n
    load_text = ""
    for run in runs:
        load_error, done, current, loaded = _split(run)
        if not loaded:
            load_text, failed = _load_failure(run, load_error, limits)
            results = [r if r is not None else dict(failed) for r in results]
            break
        for i, event in done.items():
            if 0 <= i < n and results[i] is None:
                results[i] = {k: v for k, v in event.items() if k not in ("ev", "i")}
        if current is not None and 0 <= current < n and results[current] is None:
            if run["timed_out"]:
                results[current] = {
                    "status": "timeout",
                    "message": _timeout_text(limits, deadline_total),
                }
            else:
                results[current] = _died(run, limits)
    for i in range(n):
        if results[i] is None:
            results[i] = {
                "status": "timeout",
                "message": "not run: the submission's total time of "
                f"{limits['wall_s_total']} s ran out",
            }
    swept = all(r["swept"] is not False for r in runs)
    phases = (
        {k: round(sum(r["phases"][k] for r in runs), 6) for k in runs[0]["phases"]} if runs else {}
    )
    return {
        "results": results,
        "load_error": load_text,
        "runs": len(runs),
        "swept": swept,
        "phases": phases,
    }
