"""Live progress of a bulk run on stderr: a bar with an ETA on a terminal, periodic lines otherwise."""

from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 30
LINE_INTERVAL = 10.0  # seconds between progress lines when stderr is not a terminal


def format_duration(seconds: float) -> str:
    """Write a duration as 1:05 or 1:02:03."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Count finished submissions and show progress; only grading (not cache hits) sets the ETA."""

    def __init__(self, total: int, stream: TextIO, live: bool,
                 interval: float = LINE_INTERVAL) -> None:
        self.total = total
        self.stream = stream
        self.live = live
        self.interval = interval
        self.done = 0
        self.graded = 0
        self.started = time.monotonic()
        self.last_line = self.started

    def eta(self) -> float | None:
        """Estimate the seconds left from the rate of grading so far."""
        remaining = self.total - self.done
        if not self.graded or not remaining:
            return None if remaining else 0.0
        return (time.monotonic() - self.started) / self.graded * remaining

    def text(self, label: str = "") -> str:
        """Return the progress line."""
        share = self.done / self.total if self.total else 1.0
        eta = self.eta()
        when = f"ETA {format_duration(eta)}" if eta is not None else "ETA …"
        elapsed = format_duration(time.monotonic() - self.started)
        line = f"{self.done}/{self.total} {share:4.0%} {elapsed} elapsed, {when}"
        if self.live:
            filled = int(BAR_WIDTH * share)
            line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {line}"
        return f"{line} {label}".rstrip()

    def advance(self, label: str, graded: bool) -> None:
        """Count one finished submission (graded now, or not) and show progress."""
        self.done += 1
        self.graded += int(graded)
        now = time.monotonic()
        if self.live:
            self.stream.write("\r\033[K" + self.text(label))
            self.stream.flush()
        elif now - self.last_line >= self.interval or self.done == self.total:
            self.last_line = now
            self.stream.write(self.text(label) + "\n")
            self.stream.flush()

    def close(self) -> None:
        """End the live line."""
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
