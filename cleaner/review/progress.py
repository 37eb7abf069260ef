"""A one-line progress bar (pages/s, ETA) for long runs.

It draws only on an interactive terminal: when stderr is a pipe or a file, or
``CI`` is set, it stays silent, so logs and CI output hold only real messages.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import TextIO


def wanted(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("CI")


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """``update()`` once per finished item; ``clear()`` before printing a message; ``close()`` at the end."""

    def __init__(self, total: int, unit: str = "pages", stream: TextIO | None = None, enabled: bool | None = None,
                 interval: float = 0.1):
        self.total = total
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.interval = interval
        self.done = 0
        self._start = time.monotonic()
        self._last = 0.0
        self._shown = False

    def line(self, now: float | None = None) -> str:
        """The bar as text, fitted to the terminal width."""
        elapsed = max((now if now is not None else time.monotonic()) - self._start, 1e-9)
        rate = self.done / elapsed
        eta = _clock((self.total - self.done) / rate) if rate > 0 and self.total else "?"
        frac = self.done / self.total if self.total else 1.0
        tail = f" {self.done:,}/{self.total:,} {self.unit}  {rate:,.1f} {self.unit}/s  ETA {eta}"
        width = shutil.get_terminal_size((80, 24)).columns
        bar_w = max(10, min(40, width - len(tail) - 8))
        filled = int(bar_w * frac)
        return f"{100 * frac:3.0f}% [{'#' * filled}{'.' * (bar_w - filled)}]{tail}"[: max(width - 1, 20)]

    def update(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= self.interval or self.done >= self.total:
            self._last = now
            self.stream.write("\r" + self.line(now) + "\x1b[K")
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        """Wipe the bar so a message prints on a clean line (it is redrawn on the next update)."""
        if self.enabled and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def close(self) -> None:
        self.clear()
