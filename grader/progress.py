"""Progress of a long class run: a bar on a terminal, plain periodic lines in a log.

On a terminal (stderr is a TTY) a rich bar shows students done of total, students per second, the
time elapsed and an estimate of the time left. Otherwise (CI, ``nohup``, a pipe) one plain line is
written to stderr every ``every`` seconds, and a last line at the end if any was written, so a short
run stays quiet and a long one leaves a readable trace. Progress never goes to stdout, which keeps
the command's own output clean for pipes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["GradingProgress", "format_duration", "progress_line"]


def format_duration(seconds: float) -> str:
    """A duration as people read it.

    >>> format_duration(4.2), format_duration(95), format_duration(7384)
    ('4 s', '1 min 35 s', '2 h 3 min')
    """
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


def progress_line(done: int, total: int, elapsed: float) -> str:
    """One plain progress line: done/total, percent, students per second, time left.

    >>> progress_line(120, 500, 40.0)
    'grading: 120/500 students (24%), 3.00 students/s, about 2 min 7 s left'
    >>> progress_line(0, 10, 5.0)
    'grading: 0/10 students (0%), 0.00 students/s, time left unknown'
    """
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (
        f"about {format_duration((total - done) / rate)} left" if rate > 0 else "time left unknown"
    )
    percent = 100 * done // total if total else 100
    return f"grading: {done}/{total} students ({percent}%), {rate:.2f} students/s, {left}"


class GradingProgress:
    """``with GradingProgress(total) as p: ... p.advance()`` — a bar or plain lines (see module doc).

    Args:
        total: students to grade.
        enabled: False shows nothing at all.
        stream: where progress goes (default stderr); a bar only when it is a terminal.
        every: seconds between plain lines.
        clock: a monotonic clock (tests pass a fake one).

    >>> import io
    >>> ticks = iter([0.0, 5.0, 12.0, 13.0, 13.0])
    >>> out = io.StringIO()
    >>> with GradingProgress(3, stream=out, every=10, clock=lambda: next(ticks)) as p:
    ...     p.advance(); p.advance(); p.advance()
    >>> print(out.getvalue(), end="")
    grading: 2/3 students (66%), 0.17 students/s, about 6 s left
    graded 3 students in 13 s (0.23 students/s)
    """

    def __init__(
        self,
        total: int,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.enabled, self.every, self.clock = total, enabled, every, clock
        self.stream = stream if stream is not None else sys.stderr
        self.done, self.lines = 0, 0
        self._bar: Any = None

    def __enter__(self) -> GradingProgress:
        self.start = self.last = self.clock()
        if self.enabled and _is_terminal(self.stream):
            self._bar = _rich_bar(self.stream)
            self._bar.__enter__()
            self._task = self._bar.add_task("grading", total=self.total)
        return self

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more students as graded."""
        self.done += n
        if self._bar is not None:
            self._bar.advance(self._task, n)
            return
        now = self.clock()
        if self.enabled and now - self.last >= self.every and self.done < self.total:
            self._write(progress_line(self.done, self.total, now - self.start))
            self.last = now

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            return
        if self.enabled and self.lines:
            elapsed = self.clock() - self.start
            rate = self.done / elapsed if elapsed > 0 else 0.0
            self._write(
                f"graded {self.done} students in {format_duration(elapsed)} ({rate:.2f} students/s)"
            )

    def _write(self, line: str) -> None:
        print(line, file=self.stream, flush=True)
        self.lines += 1


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _rich_bar(stream: TextIO) -> Any:
    """A transient rich bar: students done/total, students per second, elapsed, time left."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("– students/s" if speed is None else f"{speed:.2f} students/s")

    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("students"),
               RateColumn(), TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(),
               TextColumn("left"))  # fmt: skip
    return Progress(*columns, console=Console(file=stream), transient=True)
