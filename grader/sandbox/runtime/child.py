"""Inside the confined child: load the submission, run its calls, send plain results back.

Messages are JSON lines on a pipe (``start``/``done`` per call, ``loaded``/``load_error``); outputs are
``.npy`` files the worker pre-created in the job directory. The worker reads the pipe with deadlines,
so an infinite loop is a ``timeout`` and a dying child a ``crashed`` call, never a hang.
"""

from __future__ import annotations

import inspect
import json
import linecache
import os
import sys
import time
import traceback
import types

from . import convert, guards, kernels, probe

MAX_TEXT = 4000


def send(fd: int, message: dict) -> None:
    """Write one JSON line to the worker."""
    message["t"] = time.monotonic()
    data = (json.dumps(message, default=str) + "\n").encode()
    while data:
        data = data[os.write(fd, data) :]


def student_traceback(exc: BaseException, filename: str) -> tuple[str, int | None]:
    """The traceback trimmed to the student's own frames, and the line of the last one."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    text = "".join(traceback.format_list(frames))
    text += "".join(traceback.format_exception_only(type(exc), exc))
    return text[-MAX_TEXT:], (frames[-1].lineno if frames else None)


def failure(exc: BaseException, filename: str) -> dict:
    """Status, message and trimmed traceback for an exception raised by student code."""
    tb, line = student_traceback(exc, filename)
    where = f" at line {line}" if line else ""
    forbidden = guards.is_forbidden_error(exc)
    if forbidden is not None:
        return {"status": "forbidden", "message": str(forbidden), "traceback": tb}
    if isinstance(exc, MemoryError):
        return {"status": "memory", "message": f"ran out of memory{where}", "traceback": tb}
    if isinstance(exc, SystemExit):
        msg = f"called sys.exit({exc.code!r}){where}; a function must return its result"
        return {"status": "exception", "message": msg, "traceback": tb}
    detail = _safe_str(exc)
    msg = f"raised {type(exc).__name__}{where}" + (f": {detail}" if detail else "")
    return {"status": "exception", "message": msg[:MAX_TEXT], "traceback": tb}


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)[:500]
    except BaseException:  # a student exception whose __str__ raises
        return "<unprintable>"


def load(source: str, filename: str, guard) -> types.ModuleType:
    """Execute the submission as module ``submission`` (under the forbidden-op guard)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType("submission")
    module.__file__ = filename
    sys.modules["submission"] = module
    code = compile(source, filename, "exec")
    with guard():
        exec(code, module.__dict__)
    return module


def arg_names(func, n_positional: int) -> list[str]:
    """Names of the positional parameters, for messages (``argument 3`` when unknown)."""
    try:
        params = list(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"argument {i + 1}" for i in range(n_positional)]


def run_call(func, call: dict, ctx: dict) -> dict:
    """One ``Call``: decode inputs, call, check for in-place changes, save outputs."""
    backend = call.get("backend", "numpy")
    if backend == "torch" and ctx.get("device"):
        backend = f"torch:{ctx['device']}"
    args = [convert.decode(a, ctx["inputs"], backend) for a in call["args"]]
    kwargs = {k: convert.decode(v, ctx["inputs"], backend) for k, v in call["kwargs"].items()}
    named = dict(zip(arg_names(func, len(args)), args, strict=True))
    named.update(kwargs)
    before = {name: convert.fingerprint(v) for name, v in named.items()}
    t0 = time.perf_counter()
    with ctx["guard"]():
        result = func(*args, **kwargs)
    seconds = time.perf_counter() - t0
    outputs = [
        convert.to_array(v, ctx["max_output_bytes"])
        for v in convert.split_outputs(result, call["outputs"])
    ]
    mutated = [
        n for n, v in named.items() if before[n] is not None and convert.fingerprint(v) != before[n]
    ]
    out = {"status": "ok", "seconds": seconds, "n_out": len(outputs)}
    if mutated:
        which = ", ".join(mutated)
        out.update(
            status="mutated_input",
            mutated=mutated,
            message=f"modified its argument {which} in place; leave inputs unchanged",
        )
    convert.save_outputs(outputs, ctx["index"], ctx["job_fd"])
    return out


def serve(job: dict, msg_fd: int, job_fd: int) -> None:
    """Load the submission and run calls ``job["start"]:``; every outcome goes to ``msg_fd``."""
    filename = job["filename"]
    forbidden = job["forbidden"]
    kernels.guard_operators(forbidden["aten_ops"], job.get("guard_plans"))
    guards.install_import_block(forbidden["modules"])
    guards.patch_forbidden_names(forbidden["names"])
    ctx = {
        "job_fd": job_fd,
        "inputs": convert.read_inputs(job_fd),
        "device": job.get("device"),
        "max_output_bytes": job["limits"]["max_output_bytes"],
        "guard": guards.refusing_uses,
    }
    with os.fdopen(os.open("source.py", os.O_RDONLY, dir_fd=job_fd), encoding="utf-8") as fh:
        source = fh.read()
    send(msg_fd, {"ev": "armed"})  # from here on, whatever arrives may come from student code
    try:
        module = load(source, filename, ctx["guard"])
        entry = getattr(module, job["entry"], None)
        if entry is None or not callable(entry):
            raise NameError(f"your file does not define {job['entry']!r}")
    except BaseException as exc:  # the student's import raised: SyntaxError, SystemExit, ...
        send(msg_fd, {"ev": "load_error", **failure(exc, filename)})
        return
    send(msg_fd, {"ev": "loaded"})
    for index in range(job["start"], len(job["calls"])):
        call = job["calls"][index]
        send(msg_fd, {"ev": "start", "i": index})
        ctx["index"] = index
        try:
            if call["kind"] == "probe":
                result = probe.run_probe(entry, call, ctx)
            else:
                result = run_call(entry, call, ctx)
        except convert.InvalidOutput as exc:
            result = {"status": "invalid_output", "message": str(exc)}
        except BaseException as exc:
            result = failure(exc, filename)
        send(msg_fd, {"ev": "done", "i": index, **result})
