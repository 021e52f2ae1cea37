"""Live progress of a bulk run on stderr: a bar with an ETA on a terminal, periodic lines otherwise."""

from __future__ import annotations

import threading
import time
from typing import TextIO

BAR_WIDTH = 30
LINE_INTERVAL = 10.0  # seconds between progress lines when stderr is not a terminal
LIVE_INTERVAL = 1.0  # seconds between redraws of the bar on a terminal


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
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker: threading.Thread | None = None

    def start(self) -> None:
        """Show progress now, then keep it moving while nobody finishes (the elapsed time, the
        estimate): redrawn every second on a terminal, a line every `interval` otherwise."""
        self._show("", force=True)
        period = LIVE_INTERVAL if self.live else self.interval
        self.ticker = threading.Thread(target=self._tick, args=(period,), daemon=True)
        self.ticker.start()

    def _tick(self, period: float) -> None:
        """Redraw until closed."""
        while not self.stopped.wait(period):
            self._show("", force=True)

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
        with self.lock:
            self.done += 1
            self.graded += int(graded)
        self._show(label, force=self.done == self.total)

    def _show(self, label: str, force: bool = False) -> None:
        """Write the progress: the bar in place on a terminal, a line otherwise (not more often
        than every `interval` unless forced)."""
        with self.lock:
            if self.stopped.is_set():
                return
            now = time.monotonic()
            if self.live:
                self.stream.write("\r\033[K" + self.text(label))
            elif force or now - self.last_line >= self.interval:
                self.last_line = now
                self.stream.write(self.text(label) + "\n")
            self.stream.flush()

    def close(self) -> None:
        """Stop the redraws and end the live line (once)."""
        with self.lock:
            if self.stopped.is_set():
                return
            self.stopped.set()
            if self.live:
                self.stream.write("\n")
                self.stream.flush()
        if self.ticker is not None:
            self.ticker.join()
