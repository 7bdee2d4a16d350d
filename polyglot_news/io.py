"""Reading articles strictly and writing outputs atomically. Knows nothing about languages."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import struct
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from polyglot_news.errors import InputError, OutputError

MAX_BYTES = 5 * 1024 * 1024
"""Largest accepted input: 5 MiB of UTF-8, far above any news article (a long one is ~50 KB)."""

_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (  # longest first: a UTF-32 LE mark starts like a UTF-16 LE one
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def read_article(
    source: str | Path, *, max_bytes: int = MAX_BYTES, stdin: BinaryIO | None = None, name: str | None = None
) -> str:
    """Read a path, or ``-`` for standard input, as strict UTF-8 text.

    Errors start with ``name`` (default: the path, or ``<stdin>``).

    Raises:
        InputError: unreadable, larger than ``max_bytes``, binary, invalid UTF-8, or empty.
    """
    if name is None:
        name = "<stdin>" if str(source) == "-" else str(source)
    return _checked(read_bytes(source, max_bytes=max_bytes, stdin=stdin, name=name), name, max_bytes)


def read_bytes(
    source: str | Path, *, max_bytes: int = MAX_BYTES, stdin: BinaryIO | None = None, name: str | None = None
) -> bytes:
    """The bytes of a path, or of standard input for ``-``: at most ``max_bytes`` + 1 of them (to tell "too large").

    Raises:
        InputError: a folder, missing, unreadable, or standard input closed.
    """
    if name is None:
        name = "<stdin>" if str(source) == "-" else str(source)
    try:
        if str(source) == "-":
            if stdin is None and sys.stdin is None:
                raise InputError(f"{name}: standard input is closed")
            stream = stdin if stdin is not None else sys.stdin.buffer
            return stream.read(max_bytes + 1)
        with open(source, "rb") as handle:
            return handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a text file") from None
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def _checked(data: bytes, name: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise InputError(f"{name}: input is larger than the {max_bytes:,}-byte limit")
    return decode(data, name)


def decode_text(text: str, name: str = "<input>", *, max_bytes: int = MAX_BYTES) -> str:
    """Check text that arrived already decoded (e.g. a JSON string) exactly as a file would be.

    Raises:
        InputError: a lone surrogate, over ``max_bytes`` once encoded, binary (NUL), or empty.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{name}: the text holds a lone surrogate, not Unicode text") from None
    return _checked(data, name, max_bytes)


def decode(data: bytes, name: str = "<input>") -> str:
    """Decode bytes as UTF-8 (a leading BOM is dropped) and normalise line ends to ``\\n``.

    UTF-16 and UTF-32 text (recognised by its byte-order mark, or without one by its NUL
    bytes, see :func:`_wide_without_bom`) is refused, not decoded, with the ``iconv`` command
    that converts it: input is UTF-8, one rule for every command.

    Raises:
        InputError: UTF-16/32 text, binary data (NUL bytes), invalid UTF-8 (with the byte
            offset), or no text.
    """
    for mark, encoding in _WIDE_BOMS:
        if data.startswith(mark):
            raise InputError(
                f"{name}: {encoding} text, expected UTF-8: convert with `iconv -f {encoding} -t UTF-8`"
            )
    refuse_binary(data, name)
    body = data.removeprefix(_BOM)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(data) - len(body))
        raise InputError(
            f"{name}: invalid UTF-8 at byte offset {offset} (byte 0x{data[offset]:02x}); "
            "convert the file to UTF-8 first, e.g. with iconv"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: input is empty")
    return text


def refuse_binary(data: bytes, name: str) -> None:
    """Refuse bytes that are not text, in any encoding: the one check of every reader (text, pages, feeds, Word).

    Text holds no NUL. Bytes after a UTF-16/32 byte-order mark are read in that encoding and
    refused for a NUL character; any other bytes for a NUL byte: as UTF-16/32 text without a
    byte-order mark when they read as that (with the ``iconv`` command that converts it, see
    :func:`_wide_without_bom`), else as binary data, the offset of the first NUL byte named.

    Raises:
        InputError: ``data`` holds a NUL.
    """
    codec = next((encoding.lower() for mark, encoding in _WIDE_BOMS if data.startswith(mark)), None)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            return  # not text in its own encoding either: its decoder says so
        if "\x00" not in text:
            return
        nul = len(text[: text.index("\x00")].encode(codec))  # the codec writes the mark back: a byte offset
    else:
        nul = data.find(b"\x00")
        if nul < 0:
            return
        wide = _wide_without_bom(data)
        if wide is not None:
            raise InputError(
                f"{name}: {wide} text without a byte-order mark, expected UTF-8: "
                f"convert with `iconv -f {wide.replace(' ', '')} -t UTF-8`"
            )
    raise InputError(f"{name}: binary data (NUL byte at offset {nul}), expected UTF-8 text")


def _wide_without_bom(data: bytes) -> str | None:
    """``"UTF-16 LE"`` (``BE``, ``UTF-32 …``) when ``data`` reads as that text, or ``None``.

    Such text has NUL bytes in the high bytes of its code units (ASCII letters and spaces;
    Cyrillic's high byte is 0x04), never in the low byte of one. In the first 4 KiB: every
    NUL byte sits in a high byte, at least one code unit in ten has one, and the text decodes
    strictly to at least 95 % printable characters or whitespace.
    """
    for encoding, unit, high in (
        ("UTF-32 LE", 4, (1, 2, 3)), ("UTF-32 BE", 4, (0, 1, 2)), ("UTF-16 LE", 2, (1,)), ("UTF-16 BE", 2, (0,)),
    ):  # fmt: skip
        sample = data[: 4096 - len(data[:4096]) % unit]
        nuls = [i for i, byte in enumerate(sample) if byte == 0]
        if len(nuls) * 10 < len(sample) // unit or any(i % unit not in high for i in nuls):
            continue
        try:
            text = sample.decode(encoding.replace(" ", "-").lower())
        except UnicodeDecodeError:
            continue
        if text and sum(c.isprintable() or c.isspace() for c in text) >= 0.95 * len(text):
            return encoding
    return None


def to_json(obj: Any) -> str:
    """Deterministic, human-readable JSON (UTF-8 characters kept as they are)."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old file or the whole new one, never a part.

    A symbolic link is followed (its target is replaced, the link stays); the new file gets the
    old file's permissions, or the umask's for a new one. Something that is not a regular file
    (``/dev/stdout``, a FIFO) is written directly: it cannot be replaced atomically.

    Raises:
        OutputError: the folder is missing or not writable, the target is a folder, the disk is full.
    """
    try:  # a link to a pipe or terminal (/dev/stderr → /proc/self/fd/2 → pipe:[…]) resolves to no path
        if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
            _write_directly(path, text)
            return
    except OSError:
        pass
    target, mode = _target(path)
    if mode is not None and not stat.S_ISREG(mode):
        _write_directly(target, text, name=str(path))
        return
    with signals_deferred():  # Ctrl-C between mkstemp and replace would leave the temp file behind
        tmp = _stage(target, text, mode, str(path))
        commit_staged(tmp, target, name=str(path))


def _target(path: str | Path) -> tuple[Path, int | None]:
    """The file ``path`` names (links followed) and its mode, ``None`` when it does not exist yet.

    Raises:
        OutputError: it cannot be looked at, or it is a folder.
    """
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path}: is a directory")
    return target, mode


def stage_atomic(path: str | Path, text: str) -> str:
    """The first half of :func:`write_atomic`: ``text`` written and synced to a hidden temp file
    beside ``path`` (``.NAME.XXXXXXXX.tmp``, with the permissions the file will have); return its path.

    :func:`commit_staged` renames it onto ``path`` later, possibly in another process.

    Raises:
        OutputError: the folder is missing or not writable, the target is a folder, the disk is full.
    """
    target, mode = _target(path)
    return _stage(target, text, mode if mode is not None and stat.S_ISREG(mode) else None, str(path))


def commit_staged(temp: str | Path, path: str | Path, *, name: str | None = None) -> None:
    """The second half of :func:`write_atomic`: rename a file :func:`stage_atomic` wrote onto ``path``.

    Raises:
        OutputError: the rename failed (the temp file is removed).
    """
    try:
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{name or path}: cannot write ({exc.strerror or exc})") from None


def _stage(target: Path, text: str, mode: int | None, name: str) -> str:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{name}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
            os.fsync(handle.fileno())
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{name}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _write_directly(path: str | Path, text: str, *, name: str | None = None) -> None:
    """Write to something that is not a regular file (a FIFO, a terminal, a pipe's /dev/fd name)."""
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"{name or path}: cannot write ({exc.strerror or exc})") from None


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a file is written, so no temp file is left behind.

    Python runs signal handlers in the main thread whichever thread the signal hit (CTranslate2
    runs threads of its own), so the handlers themselves are swapped (main thread only); a
    signal that arrives meanwhile is raised again right after the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


def zip_member_count(handle: IO[bytes]) -> int | None:
    """The member count the end-of-archive record declares (zip64 too), or None if not found.

    Reads only the archive's tail, so it is safe before :class:`zipfile.ZipFile` parses a
    central directory of any size.
    """
    size = handle.seek(0, os.SEEK_END)
    start = max(0, size - (22 + 0xFFFF))
    handle.seek(start)
    tail = handle.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None
    count = int(struct.unpack_from("<H", tail, at + 10)[0])
    if count != 0xFFFF or at < 20 or tail[at - 20 : at - 16] != _ZIP64_LOCATOR:
        return count
    (offset,) = struct.unpack_from("<Q", tail, at - 20 + 8)
    if offset + 56 > size:
        return None
    handle.seek(offset)
    record = handle.read(56)
    if len(record) < 40 or record[:4] != _ZIP64_EOCD:
        return None
    return int(struct.unpack_from("<Q", record, 32)[0])
