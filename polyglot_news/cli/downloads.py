"""Download progress for ``models fetch``, on stderr only (stdout stays for data).

On a terminal, one line per file of at least :data:`MIN_BYTES`, redrawn in place at most
every :data:`REDRAW` seconds and ended when the file is complete. Anywhere else (a log file, CI,
a pipe) redraws would fill the log with carriage returns, and silence would make a long fetch
in a provisioning script look hung: there a plain line is written every :data:`INTERVAL`
seconds while a download runs, so a download shorter than that prints nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

MIN_BYTES = 1_000_000
"""Smaller files (configuration, vocabularies) get no progress line."""

REDRAW = 0.25
"""Seconds between two redraws of the line on a terminal."""

INTERVAL = 30.0
"""Seconds between two progress lines when stderr is not a terminal."""


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f}"


class DownloadReport:
    """A ``progress`` callback for :func:`polyglot_news.models.fetch`: ``(file, bytes so far, total)``."""

    def __init__(
        self, stream: TextIO, *, terminal: bool, clock: Callable[[], float] = time.monotonic, interval: float = INTERVAL
    ) -> None:
        self.stream, self.terminal, self.clock, self.interval = stream, terminal, clock, interval
        self._file: str | None = None
        self._started = self._shown = 0.0
        self._width = 0  # of the line drawn on the terminal, 0 when none is open

    def __call__(self, name: str, done: int, total: int | None) -> None:
        now = self.clock()
        if name != self._file:
            self.close()
            self._file, self._started, self._shown = name, now, now
        if total is not None and total < MIN_BYTES:
            return
        complete = total is not None and done >= total
        if self.terminal:
            if complete or now - self._shown >= REDRAW or not self._width:
                line = self._line(name, done, total, now)
                self.stream.write("\r" + line.ljust(self._width))
                self._width, self._shown = len(line), now
                if complete:
                    self.close()
            self.stream.flush()
        elif not complete and now - self._shown >= self.interval:
            self.stream.write(self._line(name, done, total, now) + "\n")
            self.stream.flush()
            self._shown = now

    def __enter__(self) -> DownloadReport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the line drawn on the terminal, if one is open."""
        if self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

    def _line(self, name: str, done: int, total: int | None, now: float) -> str:
        elapsed = now - self._started
        rate = f", {done / elapsed / 1e6:.1f} MB/s" if elapsed >= 1 else ""  # no rate from a single chunk
        if total:
            return f"downloading {name}: {_megabytes(done)} of {_megabytes(total)} MB ({done * 100 // total} %){rate}"
        return f"downloading {name}: {_megabytes(done)} MB{rate}"
