"""Progress of a class run: plain periodic lines off a terminal, a bar with rate and time left on one."""

from __future__ import annotations

import io

from cnngrade.grader.progress import GradingProgress, format_duration, progress_line


class Clock:
    """A fake monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_every_period_and_a_last_line() -> None:
    clock, out = Clock(), io.StringIO()
    with GradingProgress(100, stream=out, every=10, clock=clock) as progress:
        for _ in range(100):
            clock.now += 0.25  # 4 students per second
            progress.advance()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # at 10 s and 20 s, then the summary at 25 s
    assert lines[0] == "grading: 40/100 students (40%), 4.00 students/s, about 15 s left"
    assert lines[1].startswith("grading: 80/100 students (80%), 4.00 students/s, about 5 s left")
    assert lines[2] == "graded 100 students in 25 s (4.00 students/s)"


def test_a_short_run_stays_quiet_and_disabled_shows_nothing() -> None:
    clock, out = Clock(), io.StringIO()
    with GradingProgress(5, stream=out, clock=clock) as progress:
        for _ in range(5):
            clock.now += 1
            progress.advance()
    assert out.getvalue() == ""
    clock.now, out = 0.0, io.StringIO()
    with GradingProgress(5, enabled=False, stream=out, every=0, clock=clock) as progress:
        clock.now += 100
        progress.advance(5)
    assert out.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_bar_with_rate_and_time_left() -> None:
    out = Terminal()
    with GradingProgress(50, stream=out) as progress:
        assert progress._bar is not None
        progress.advance(10)
        progress._bar.refresh()
        shown = out.getvalue()
    assert "10/50" in shown and "students/s" in shown and "left" in shown
    assert "elapsed" in shown


def test_durations_and_lines() -> None:
    assert format_duration(59.6) == "1 min 0 s"
    assert format_duration(3600) == "1 h 0 min"
    assert progress_line(10, 10, 2.0).startswith("grading: 10/10 students (100%), 5.00 students/s")
