"""The one path to the standard streams: closed streams, full disks and signals.

Every command runs inside :func:`guarded` (the group's ``main``): a stream closed at start
(``<&-``, ``>&-``) is noted and its descriptor held on ``/dev/null`` so that no file opened
later takes it; a write to standard output that fails (full disk, closed stream) becomes one
``Error: <stdout>: …`` line and exit code 3, never a traceback, whether it came from a
command's data, ``--help`` or ``--version``. Ctrl-C exits 130 and SIGTERM 143, each with one
line on stderr.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any, NoReturn, TextIO

from polyglot_news.errors import OutputError

EXIT_OUTPUT = OutputError.exit_code
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXIT_BROKEN_PIPE = 141

STDOUT = "<stdout>"
_STDOUT_ALIASES = ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that writes end cleanly (like KeyboardInterrupt)."""


class _StdoutRaw(io.RawIOBase):
    """Descriptor 1 as the bottom of ``sys.stdout``: it remembers why a write failed.

    Every byte any command writes to standard output (its data, click's ``--help``) passes
    here, so a failure is known to be standard output's, whatever layer raised it.
    """

    def __init__(self, closed: bool) -> None:
        super().__init__()
        self.closed_at_start = closed
        self.failure: OSError | None = None
        self.discard = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return 1

    def isatty(self) -> bool:
        return not self.closed_at_start and os.isatty(1)

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if self.discard:
            return size
        try:
            if self.closed_at_start:
                raise OSError(errno.EBADF, "standard output is closed")
            return os.write(1, data)
        except OSError as exc:
            self.failure = exc
            raise


_raw: _StdoutRaw | None = None


def _install_stdout() -> TextIO | None:
    """Hold closed descriptors 0-2 on ``/dev/null``; route ``sys.stdout`` through :class:`_StdoutRaw`.

    Returns the stream to put back afterwards; nothing changes when ``sys.stdout`` is not the
    process's own (a test runner's capture).
    """
    global _raw
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    original = sys.stdout
    if original is not None and original is not sys.__stdout__:
        return original
    if original is not None:
        with contextlib.suppress(OSError, ValueError):
            original.flush()
    _raw = _StdoutRaw(closed=original is None)
    encoding = original.encoding if original is not None else "utf-8"
    errors = original.errors if original is not None else "strict"
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_raw), encoding=encoding, errors=errors,
        line_buffering=original.line_buffering if original is not None else False,
    )
    return original


def stdin_closed() -> bool:
    """True when the process has no standard input (it started with ``<&-``)."""
    return sys.stdin is None


def is_stdout(path: str) -> bool:
    """True for ``-`` and the names of this process's standard output (``/dev/stdout``, …)."""
    return path == "-" or path in _STDOUT_ALIASES


def write_stdout(data: str | bytes) -> None:
    """Write data to standard output and flush it: the one way data reaches stdout.

    Raises:
        BrokenPipeError: the reader went away (``| head``); callers stop quietly.
        OutputError: anything else (closed stream, full disk, I/O error), as ``<stdout>: …``.
    """
    stream = sys.stdout
    try:
        if stream is None:
            raise OSError(errno.EBADF, "standard output is closed")
        if isinstance(data, bytes):
            stream.flush()
            stream.buffer.write(data)
        else:
            stream.write(data)
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, UnicodeError) as exc:
        raise stdout_error(exc) from None


def stdout_error(exc: BaseException) -> OutputError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return OutputError(f"{STDOUT}: cannot write ({reason})")


def _stdout_failure() -> OSError | None:
    """Flush stdout; the error if standard output failed now or earlier in the command."""
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except OSError as exc:
            if _raw is None:
                return exc
    return _raw.failure if _raw is not None else None


def abandon_stdout() -> None:
    """Drop whatever stdout still holds, so that interpreter exit does not fail on it again."""
    if _raw is not None:
        _raw.discard = True
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _fail(message: str, code: int) -> NoReturn:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"Error: {message}\n")
        sys.stderr.flush()
    sys.exit(code)


def on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C → exit 130, SIGTERM → exit 143, each with one ``Error:`` line (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    except KeyboardInterrupt:
        _fail("interrupted (SIGINT)", EXIT_INTERRUPTED)
    except Terminated:
        _fail("terminated (SIGTERM)", EXIT_TERMINATED)
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Run a whole command: closed streams held, a failing stdout reported once as exit 3."""
    global _raw
    original = _install_stdout()
    try:
        yield from _guarded()
    finally:
        if sys.stdout is not original:
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
            sys.stdout = original
        _raw = None


def _guarded() -> Iterator[None]:
    try:
        yield
    except SystemExit as done:
        failure = _stdout_failure()
        if failure is not None:
            abandon_stdout()
            if not done.code:  # the command thought it had finished: say why it did not
                _fail(str(stdout_error(failure)), EXIT_OUTPUT)
        raise
    except OSError as exc:  # raised by click's own writes (--help, --version) or a command's echo
        failure = _stdout_failure()
        if failure is None:
            raise
        abandon_stdout()
        _fail(str(stdout_error(exc)), EXIT_OUTPUT)
    else:
        failure = _stdout_failure()
        if failure is not None:
            abandon_stdout()
            _fail(str(stdout_error(failure)), EXIT_OUTPUT)
