"""The worker's view of one running sandbox: its JSON messages and how it ended, read with deadlines.

The child's messages arrive on a pipe; its end arrives on a pidfd (direct child) or on the keeper's
control pipe (``pid``/``status``/``error`` lines). Nothing the child writes can forge the latter.
"""

from __future__ import annotations

import os
import select

from . import safejson

MAX_MESSAGE_BYTES = 8 * 1024 * 1024


class Watch:
    """Reads one sandbox's messages and exit status."""

    def __init__(
        self,
        msg_r: int,
        *,
        ctl_r: int | None = None,
        child_pid: int | None = None,
        keeper: int | None = None,
    ) -> None:
        self.msg_r, self.ctl_r, self.child_pid, self.keeper = msg_r, ctl_r, child_pid, keeper
        self.pidfd = os.pidfd_open(child_pid) if child_pid is not None else None
        self.buffers = {msg_r: b"", ctl_r: b""}
        self.events: list[dict] = []
        self.received = 0
        self.status: int | None = None
        self.cpu_s = 0.0
        self.setup_error = ""
        self.progress = 0
        self.reaped = False
        self.garbled = 0

    def pump(self, timeout: float) -> None:
        """Read what is ready within ``timeout`` seconds."""
        fds = [fd for fd in (self.msg_r, self.ctl_r, self.pidfd) if fd is not None]
        ready, _, _ = select.select(fds, [], [], max(timeout, 0.0))
        for fd in ready:
            if fd == self.pidfd:
                self._child_exited()
            else:
                self._read(fd)

    def _child_exited(self) -> None:
        self.drain()
        _, status, usage = os.wait4(self.child_pid, 0)
        self.status, self.cpu_s, self.reaped = status, usage.ru_utime + usage.ru_stime, True
        os.close(self.pidfd)
        self.pidfd = None

    def _read(self, fd: int) -> None:
        data = os.read(fd, 1 << 16)
        if not data:
            if fd == self.ctl_r:
                self.ctl_r = None
                if self.status is None:
                    self.status = -1
            else:
                self.msg_r = None
            os.close(fd)
            return
        self.received += len(data)
        lines = (self.buffers[fd] + data).split(b"\n")
        self.buffers[fd] = lines.pop()
        for line in lines:
            self._line(fd, line)
        if len(self.buffers[fd]) > MAX_MESSAGE_BYTES:  # a line longer than any message: refused
            self.buffers[fd] = b""
            if fd == self.msg_r:
                self.garbled += 1

    def _line(self, fd: int, line: bytes) -> None:
        if fd == self.ctl_r:
            word, _, rest = line.decode(errors="replace").partition(" ")
            if word == "pid":
                self.child_pid = int(rest)
            elif word == "status":
                status, _, cpu = rest.partition(" ")
                self.status, self.cpu_s = int(status), float(cpu or 0.0)
            elif word == "error":
                self.setup_error, self.status = rest, -1
            return
        try:  # bounded before parsing: a 100,000-deep line is refused, never recursed into
            event = safejson.loads(line, max_bytes=MAX_MESSAGE_BYTES)
        except ValueError:
            self.garbled += 1
            return
        if isinstance(event, dict) and isinstance(event.get("ev"), str):
            self.events.append(event)
            self.progress += event["ev"] in ("loaded", "start", "done")

    def drain(self) -> None:
        """Read what the child wrote before it ended (non-blocking)."""
        while self.msg_r is not None and select.select([self.msg_r], [], [], 0)[0]:
            self._read(self.msg_r)

    def close(self) -> None:
        """Close whatever descriptors are still open."""
        for fd in (self.msg_r, self.ctl_r, self.pidfd):
            if fd is not None:
                os.close(fd)
        self.msg_r = self.ctl_r = self.pidfd = None
