"""Batch inputs: finding files, reading JSON Lines lazily, shards, and each article's text."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, BinaryIO

from polyglot_news.errors import InputError, exit_code_of
from polyglot_news.io import MAX_BYTES, decode_text, read_article

MAX_LINE_BYTES = 2 * MAX_BYTES
"""Longest JSON Lines input line: an article at the size cap plus JSON escapes and other fields."""


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

    ``failure`` is set when the input was already unusable when read (a bad JSON line).
    """

    id: str | int
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    text: str | None = None
    failure: Failure | None = None


def iter_paths(paths: Sequence[str | Path], glob: str = "*.txt") -> list[Item]:
    """Articles from files and folders, in argument order; each folder's files sorted.

    A folder is searched recursively for files whose name (or, for a pattern with ``/``, whose
    path relative to the folder) matches ``glob``; hidden files and folders are skipped. Ids:
    the path relative to its folder, or a file argument's path as given. Missing paths become
    articles that fail with "no such file".
    """
    items: list[Item] = []
    for given in paths:
        root = Path(given)
        if root.is_dir():
            items += [Item(rel, path=root / rel) for rel in _walk(root, glob)]
        else:
            items.append(Item(root.as_posix(), path=root))
    return items


def _walk(root: Path, glob: str) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel_folder = Path(folder).relative_to(root)
        for name in files:
            rel = (rel_folder / name).as_posix()
            if not name.startswith(".") and fnmatch(rel if "/" in glob else name, glob):
                found.append(rel)
    return sorted(found)


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


def _parse_line(line: bytes, lineno: int) -> Item:
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _bad_line(lineno, f"line {lineno}: invalid UTF-8 at byte offset {exc.start} of the line")
    except json.JSONDecodeError as exc:
        return _bad_line(lineno, f"line {lineno}: not JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return _bad_line(lineno, f"line {lineno}: expected a JSON object with an \"id\" and a \"text\"")
    ident = obj.get("id", lineno)
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or ident == "":
        return _bad_line(lineno, f"line {lineno}: \"id\" must be a non-empty string or an integer")
    extra = {k: v for k, v in obj.items() if k not in ("id", "text")}
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


def load_text(name: str, path: str | None, text: str | None) -> str:
    """An article's text, from its file or its JSON Lines string, checked as io.decode does.

    Errors name the article by ``name`` (its id), not by its path.

    Raises:
        InputError: unreadable, larger than ``MAX_BYTES``, binary, invalid UTF-8, or empty.
    """
    if path is None:
        return decode_text(text or "", name, max_bytes=MAX_BYTES)
    return read_article(path, max_bytes=MAX_BYTES, name=name)
