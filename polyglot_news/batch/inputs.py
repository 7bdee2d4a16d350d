"""Batch inputs: finding files, reading JSON Lines lazily, shards, and each article's text."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, BinaryIO

from polyglot_news.document import Article
from polyglot_news.errors import InputError, exit_code_of
from polyglot_news.io import MAX_BYTES, decode_text, read_bytes

MAX_LINE_BYTES = 2 * MAX_BYTES
"""Longest JSON Lines input line: an article at the size cap plus JSON escapes and other fields."""
MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted on a JSON Lines line (news metadata needs ~3)."""


@dataclass(frozen=True)
class Failure:
    """Why one article produced no output: the exit code its error carries, its type, a message."""

    code: int
    type: str
    message: str

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        return cls(exit_code_of(error), type(error).__name__, str(error))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "type": self.type, "message": self.message}


@dataclass(frozen=True)
class Item:
    """One input article: its id, the fields passed through, and a file or the text itself.

    ``text`` may also be the :class:`Article` a feed item already is; ``input_format`` says
    how to read the file or text (``auto``: by the file's extension, else its first bytes).
    ``failure`` is set when the input was already unusable when read (a bad JSON line).
    """

    id: str | int
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    text: str | Article | None = None
    failure: Failure | None = None
    input_format: str = "auto"


@dataclass
class Scan:
    """The articles a list of paths names, and the folder entries skipped (with why)."""

    items: list[Item] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(path, reason)`` of each folder entry not read: not a regular file, or a link out."""

    def notes(self, shown: int = 5) -> list[str]:
        """One note per skipped entry, the first ``shown`` of them, then a count."""
        lines = [f"skipped {path}: {reason}" for path, reason in self.skipped[:shown]]
        if len(self.skipped) > shown:
            lines.append(f"skipped {len(self.skipped) - shown} more entries that are not regular files in the folder")
        return lines


def iter_paths(paths: Sequence[str | Path], glob: str = "*.txt", *, follow_symlinks: bool = False) -> list[Item]:
    """Articles from files and folders, in argument order; each folder's files sorted.

    A folder is searched recursively for files whose name (or, for a pattern with ``/``, whose
    path relative to the folder) matches ``glob``; hidden files and folders are skipped, and
    so is anything that is not a regular file (a FIFO would block the run) and, unless
    ``follow_symlinks``, every link that leads out of the folder (:func:`scan_paths` says
    which). Ids: the path relative to its folder, or a file argument's path as given. Missing
    paths become articles that fail with "no such file".
    """
    return scan_paths(paths, glob, follow_symlinks=follow_symlinks).items


def scan_paths(paths: Sequence[str | Path], glob: str = "*.txt", *, follow_symlinks: bool = False) -> Scan:
    """:func:`iter_paths`, with the entries it skipped.

    Raises:
        TypeError: ``paths`` is one path (a str or Path) instead of a sequence of them.
    """
    if isinstance(paths, (str, bytes, Path)):
        example = os.fsdecode(paths)[:60]
        raise TypeError(f"`paths` takes a sequence of files and folders, e.g. [{example!r}], not one path")
    scan = Scan()
    for given in paths:
        root = Path(given)
        if root.is_dir():
            for rel in _walk(root, glob, follow_symlinks, scan.skipped):
                scan.items.append(Item(rel, path=root / rel))
        else:
            scan.items.append(Item(root.as_posix(), path=root))
    return scan


def _walk(root: Path, glob: str, follow: bool, skipped: list[tuple[str, str]]) -> list[str]:
    found: list[str] = []
    inside = os.path.realpath(root)
    seen: set[str] = set()
    for folder, dirs, files in os.walk(root, followlinks=follow):
        real = os.path.realpath(folder)
        if real in seen:  # a link loop (only with follow): each folder once
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel_folder = Path(folder).relative_to(root)
        if not follow:
            for name in list(dirs):
                if os.path.islink(os.path.join(folder, name)) and not _within(os.path.join(folder, name), inside):
                    skipped.append((str(root / rel_folder / name), "a link to a folder outside the input folder"))
        for name in files:
            rel = (rel_folder / name).as_posix()
            if name.startswith(".") or not fnmatch(rel if "/" in glob else name, glob):
                continue
            why = _not_readable(os.path.join(folder, name), inside, follow)
            if why is None:
                found.append(rel)
            else:
                skipped.append((str(root / rel), why))
    return sorted(found)


def _within(path: str, root_real: str) -> bool:
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _not_readable(path: str, root_real: str, follow: bool) -> str | None:
    """Why a folder entry is not read as an article, or None to read it."""
    if not follow and os.path.islink(path) and not _within(path, root_real):
        return "a link leading outside the input folder (--follow-symlinks reads it)"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device or special file"
    return f"{kind}, not a regular file"


def iter_jsonl(stream: BinaryIO, *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Item]:
    """Articles from JSON Lines, one ``{"id": ..., "text": ...}`` object a line, read lazily.

    Fields other than ``id`` and ``text`` pass through to the output record. A missing ``id``
    becomes the 1-based line number; blank lines are skipped. A line that is too long, not
    UTF-8, not a JSON object, or without a ``text`` string becomes a failing article.
    """
    lineno = 0
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield _bad_line(lineno, f"line {lineno}: longer than the {max_line_bytes:,}-byte limit")
            continue
        if not line.strip():
            continue
        yield _parse_line(line, lineno)


def _bad_line(lineno: int, message: str) -> Item:
    return Item(lineno, failure=Failure(InputError.exit_code, "InputError", message))


class _NonFinite(ValueError):
    """NaN, Infinity or a number too large for a float: not JSON, and not passed through."""


def _non_finite(token: str) -> float:
    raise _NonFinite(token)


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NonFinite(token)
    return value


def _too_deep(obj: Any, limit: int) -> bool:
    """True if arrays and objects nest more than ``limit`` deep (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _parse_line(line: bytes, lineno: int) -> Item:
    """One line as an article, or as a failing article saying why the line cannot be used.

    Non-finite numbers (``NaN``, ``Infinity``, ``1e999``) are rejected, not passed through:
    the output must stay JSON. So are integers past Python's 4,300-digit limit and nesting
    deeper than :data:`MAX_DEPTH`.
    """
    try:
        obj = json.loads(line.decode("utf-8"), parse_constant=_non_finite, parse_float=_finite_float)
    except UnicodeDecodeError as exc:
        return _bad_line(lineno, f"line {lineno}: invalid UTF-8 at byte offset {exc.start} of the line")
    except json.JSONDecodeError as exc:
        return _bad_line(lineno, f"line {lineno}: not JSON ({exc.msg} at column {exc.colno})")
    except _NonFinite as exc:
        number = str(exc)[:20]
        return _bad_line(lineno, f"line {lineno}: the number {number} is not finite (NaN and Infinity are not JSON)")
    except RecursionError:
        return _bad_line(lineno, f"line {lineno}: nested deeper than {MAX_DEPTH} levels")
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return _bad_line(lineno, f"line {lineno}: unreadable value ({str(exc).split(';')[0]})")
    if _too_deep(obj, MAX_DEPTH):
        return _bad_line(lineno, f"line {lineno}: nested deeper than {MAX_DEPTH} levels")
    if not isinstance(obj, dict):
        return _bad_line(lineno, f"line {lineno}: expected a JSON object with an \"id\" and a \"text\"")
    ident = obj.get("id", lineno)
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or ident == "":
        return _bad_line(lineno, f"line {lineno}: \"id\" must be a non-empty string or an integer")
    extra = {k: v for k, v in obj.items() if k not in ("id", "text")}
    try:  # passed-through fields go out as UTF-8: a lone surrogate (\ud800) cannot
        json.dumps([ident, extra], ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return _bad_line(lineno, f"line {lineno}: a field other than \"text\" holds a lone surrogate, not Unicode text")
    text = obj.get("text")
    if not isinstance(text, str):
        failure = Failure(InputError.exit_code, "InputError", f"{ident}: no \"text\" string on line {lineno}")
        return Item(ident, extra, failure=failure)
    return Item(ident, extra, text=text)


def parse_shard(spec: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)``: this run takes the K-th of every N articles (1 <= K <= N)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--shard takes K/N with 1 <= K <= N, e.g. 2/4, not {spec!r}")
    return int(match[1]), int(match[2])


def select_shard(items: Iterable[Item], k: int, n: int) -> Iterator[Item]:
    """Articles number k, k+N, k+2N, … (1-based, in input order): shards 1/N … N/N partition the input."""
    for position, item in enumerate(items):
        if position % n == k - 1:
            yield item


def load_text(name: str, path: str | None, text: str | Article | None, input_format: str = "auto") -> str | Article:
    """An article, from its file or its JSON Lines string (read as ``input_format``), or the feed item's own.

    Errors name the article by ``name`` (its id), not by its path.

    Raises:
        InputError: unreadable, too large, binary, invalid UTF-8, empty, or unreadable in its format.
    """
    from polyglot_news.readers.sources import MAX_INPUT_BYTES, read_input

    if isinstance(text, Article):
        return text
    if path is None:
        if input_format in ("auto", "text"):
            return decode_text(text or "", name, max_bytes=MAX_BYTES)
        checked = decode_text(text or "", name, max_bytes=MAX_INPUT_BYTES)
        return read_input(checked.encode("utf-8"), name, input_format)
    return read_input(read_bytes(path, max_bytes=MAX_INPUT_BYTES, name=name), name, input_format)


def is_feed(path: Path, input_format: str = "auto") -> bool:
    """Whether the file at ``path`` is read as a feed (``--input-format feed``, else its extension or first bytes)."""
    from polyglot_news.readers.sources import format_of

    if input_format != "auto":
        return input_format == "feed"
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        return format_of(path.name, head) == "feed"
    except (OSError, InputError):
        return False  # read (and reported) as an article


def feed_items(data: bytes, name: str) -> Iterator[Item]:
    """One item per feed entry (id, passed-through fields, its article), or one failing item for the whole feed."""
    from polyglot_news.readers.feeds import read_feed

    try:
        entries = read_feed(data, name)
    except InputError as error:
        yield Item(name, failure=Failure.of(error))
        return
    for entry in entries:
        extra = {**entry.fields, "feed": name}
        if entry.error is not None:
            yield Item(entry.id, extra, failure=Failure.of(entry.error))
        else:
            yield Item(entry.id, extra, text=entry.article)


def expand_feeds(items: Iterable[Item], input_format: str = "auto") -> Iterator[Item]:
    """The items with every feed file replaced by its entries, and ``input_format`` set on the others."""
    from polyglot_news.readers.feeds import MAX_FEED_BYTES

    for item in items:
        if item.path is None or item.failure is not None or not is_feed(item.path, input_format):
            yield replace(item, input_format=input_format)
            continue
        try:
            data = read_bytes(item.path, max_bytes=MAX_FEED_BYTES, name=str(item.id))
        except InputError as error:
            yield replace(item, failure=Failure.of(error))
            continue
        yield from feed_items(data, str(item.id))
