"""A JSON-lines channel between two processes of one job, over a pair of pipes.

The trusted observer and the executor (the student's process) talk through it. Either end may be
hostile on the executor's side: a message is at most `MAX_LINE` bytes, must be a JSON object, and
anything else closes the conversation with `ChannelError` (the question's error, never the
grader's).
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

MAX_LINE = 32 * 1024 * 1024
CHUNK = 1 << 16


class ChannelError(Exception):
    """The other end closed the channel (`closed`) or sent something that is not a message."""

    def __init__(self, message: str, closed: bool = False) -> None:
        super().__init__(message)
        self.closed = closed


class Channel:
    """Send and receive JSON objects, one per line, on a read and a write descriptor."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        self._pending = b""

    def send(self, message: dict[str, Any]) -> None:
        """Write one message (the whole line, whatever the pipe's size)."""
        data = (json.dumps(message, allow_nan=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.write_fd, view)
                view = view[written:]
        except OSError as exc:  # BrokenPipeError: the other end is gone
            raise ChannelError(f"the channel closed ({exc.strerror or exc})", closed=True) from exc

    def receive(self) -> dict[str, Any]:
        """Read the next message; raise ChannelError at the end or on anything malformed."""
        while b"\n" not in self._pending:
            if len(self._pending) > MAX_LINE:
                raise ChannelError(f"a message longer than {MAX_LINE} bytes")
            try:
                chunk = os.read(self.read_fd, CHUNK)
            except OSError as exc:
                raise ChannelError(f"the channel closed ({exc.strerror or exc})",
                                   closed=True) from exc
            if not chunk:
                raise ChannelError("the channel closed", closed=True)
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        try:
            message = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ChannelError(f"an unreadable message ({type(exc).__name__})") from exc
        if not isinstance(message, dict):
            raise ChannelError("a message that is not an object")
        return message

    def close(self) -> None:
        """Close both descriptors."""
        for fd in (self.read_fd, self.write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
