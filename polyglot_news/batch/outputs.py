"""Batch outputs: file names, stamps, resume checks, rendering, and atomic writes into a folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

from polyglot_news import render
from polyglot_news.batch.inputs import Item
from polyglot_news.document import Digest
from polyglot_news.errors import InputError, OutputError
from polyglot_news.io import commit_staged, signals_deferred, stage_atomic, to_json, write_atomic
from polyglot_news.render import FORMATS

_UNSEEN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))
"""Unicode categories an output file name may not hold: control, format (bidi), surrogates, line breaks."""


def output_name(item: Item, fmt: str) -> str:
    """The output file of an article, relative to the output folder.

    A file keeps its relative path with the format's extension (``a/b.txt`` → ``a/b.json``);
    a JSON Lines id gets the extension appended (``2024/story.v2`` → ``2024/story.v2.json``).
    ``..``, ``.`` and leading ``/`` are dropped so that no id writes outside the folder. An id
    that is a web address (a feed item's guid or link, most often) becomes its host and path
    (:func:`address_parts`); a ``tag:`` or ``urn:`` id, its parts. An id holding a control or
    formatting character (a newline, ESC, U+202E, which reverses how a name is shown) is
    refused: it would make a file name that lists wrongly or misleads.

    Raises:
        InputError: the id names no usable file.
    """
    raw = str(item.id).replace("\\", "/")
    bad = next((c for c in raw if unicodedata.category(c) in _UNSEEN), None)
    if bad is not None:
        shown = "".join(f"\\u{ord(c):04X}" if unicodedata.category(c) in _UNSEEN else c for c in raw[:200])
        raise InputError(
            f"id '{shown}' holds U+{ord(bad):04X} ({unicodedata.name(bad, 'a control character')}), "
            "which cannot be part of an output file name; give the article an id without it"
        )
    parts = address_parts(str(item.id)) if item.path is None else None
    if parts is None:
        parts = [p for p in raw.split("/") if p not in ("", ".", "..")]
    if not parts:
        raise InputError(f"{item.id}: this id cannot name an output file")
    rel = PurePosixPath(*parts)
    ext = FORMATS[fmt]
    return (rel.with_suffix(ext) if item.path is not None else rel.with_name(rel.name + ext)).as_posix()


_ADDRESS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#]*)(?P<path>[^?#]*)(?P<rest>[?#].*)?", re.S)
_NAMED = re.compile(r"(?:tag|urn):(?P<rest>.+)", re.I | re.S)
_KEPT = frozenset("-._,+=@")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_PART_BYTES = 200
"""The longest part of a name (in UTF-8 bytes) kept whole; file systems take 255."""


def address_parts(ident: str) -> list[str] | None:
    """The folders and file name (no extension) for an id that is an address, or ``None``.

    ``https://host/path/story?id=7`` → ``host/path/story%3Fid=7``: the scheme and any user
    name dropped, the host in lower case, ``.``/``..`` segments resolved, escaped letters
    decoded (``%D0%AF`` → ``Я``), then every character but letters, digits and ``-._,+=@``
    written as ``%XX`` (its UTF-8 bytes; an escape the address itself holds, ``%2F``, becomes
    ``%252F``), the query and fragment kept on the last part; an address ending in ``/`` is
    its folder's ``index``. ``tag:`` and ``urn:`` ids are cut into folders at ``:``
    (``tag:example.org,2026:post-1`` → ``example.org,2026/post-1``; a ``/`` is ``%2F``). Different addresses get
    different files (the same address over http and https excepted); a part longer than 200
    bytes is cut and ends in ``~`` and a hash of it. The same id always gives the same name.
    """
    named = _NAMED.fullmatch(ident)
    if named is not None:
        return [_fit(_escape(p)) for p in named["rest"].split(":") if p] or None
    found = _ADDRESS.fullmatch(ident)
    if found is None:
        return None
    host = found["host"].rpartition("@")[2].lower()
    segments: list[str] = []
    for segment in found["path"].split("/")[1:]:
        value = _decode(segment)
        if value == "..":
            segments = segments[:-1]
        elif value != ".":
            segments.append(value)
    last = segments.pop() if segments else ""
    inner = [_escape(s) for s in segments if s]
    tail = _escape(last) + _escape(found["rest"] or "")
    parts = ([_escape(host)] if host else []) + inner + [tail or "index"]
    return [_fit(p) for p in parts if p not in ("", ".", "..")] or None


def _decode(segment: str) -> str:
    """A path segment with the escapes RFC 3986 calls equivalent decoded (``%41`` → ``A``, UTF-8
    letters), and the escapes of reserved characters kept (``%3F`` stays, upper case: not a ``?``)."""

    def decoded(run: re.Match[str]) -> str:
        text = bytes.fromhex(run.group().replace("%", "")).decode("utf-8", errors="surrogateescape")
        return "".join(
            ch if (ch.isascii() and (ch.isalnum() or ch in "-._~")) or (not ch.isascii() and ch.isprintable())
            else "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogateescape"))
            for ch in text
        )

    return _ESCAPES.sub(decoded, segment)


def _escape(value: str) -> str:
    """``value`` with every character but letters, digits and ``-._,+=@`` as ``%XX`` (its UTF-8 bytes)."""
    out = []
    for ch in value:
        if ch in _KEPT or (ch.isalnum() and unicodedata.category(ch) not in _UNSEEN):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogateescape"))
    text = "".join(out)
    return "%2E" * len(text) if text in (".", "..") else text


def _fit(part: str) -> str:
    data = part.encode("utf-8")
    if len(data) <= _PART_BYTES:
        return part
    head = data[: _PART_BYTES - 20].decode("utf-8", errors="ignore")
    return f"{head}~{hashlib.sha256(data).hexdigest()[:16]}"


def stamp(fmt: str, item_id: str | int, options: str) -> str:
    """The trailer line that names the article and the options in a text, Markdown or HTML output."""
    who = json.dumps(item_id, ensure_ascii=False)
    if fmt in ("markdown", "html"):  # an id holding "-->" must not end the comment: \u003e is the same JSON
        who = who.replace("<", "\\u003c").replace(">", "\\u003e")
        return f"<!-- polyglot-news batch: id={who} options={options} -->\n"
    return f"[polyglot-news batch: id={who} options={options}]\n"


def is_complete(path: Path, item_id: str | int, fmt: str, options: str) -> bool:
    """True if ``path`` is this article's output, written with the same options signature."""
    try:
        data = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if fmt != "json":
        return data.endswith("\n" + stamp(fmt, item_id, options))
    try:
        record = json.loads(data)
    except json.JSONDecodeError:
        return False
    return (
        isinstance(record, dict)
        and record.get("id") == item_id
        and record.get("batch") == {"options": options}
        and "digest" in record
    )


def render_output(record: dict[str, Any], digest: Digest, fmt: str, options: str) -> str:
    """An output file's text: the JSON record, or the rendered digest with its stamp line."""
    if fmt == "json":
        return to_json(record)
    return render.digest(digest, fmt) + "\n" + stamp(fmt, record["id"], options)


class OutputFolder:
    """The ``--output-dir`` of one run: one claimed file per article, each written atomically.

    ``claim`` runs in the reader thread; ``is_complete``, ``sweep`` and ``write`` may run in
    another thread, since they touch no state that ``claim`` changes.
    """

    def __init__(self, root: Path, fmt: str, options: str) -> None:
        self.root = root
        self.fmt = fmt
        self.options = options
        self._claimed: dict[str, str | int] = {}
        self._sweeper = _TempSweeper()

    def claim(self, item: Item) -> str:
        """Reserve the article's output file; return its name relative to the folder.

        Raises:
            InputError: the id names no usable file, another article has it, or it is the input.
        """
        name = output_name(item, self.fmt)
        if name in self._claimed:
            raise InputError(f"{item.id}: same output file {name} as {self._claimed[name]}")
        if item.path is not None and _same_file(item.path, self.root / name):
            raise InputError(f"{item.id}: the output would overwrite the input")
        self._claimed[name] = item.id
        return name

    def is_complete(self, name: str, item_id: str | int) -> bool:
        """True if ``name`` already holds this article's output, written with the same options."""
        return is_complete(self.root / name, item_id, self.fmt, self.options)

    def sweep(self, name: str, keep: str | None = None) -> None:
        """Remove the temp files a killed run left for ``name`` (but ``keep``, a file about to be committed)."""
        self._sweeper.sweep(self.root / name, keep)

    def render(self, record: dict[str, Any], digest: Digest) -> str:
        """An output file's text (see :func:`render_output`)."""
        return render_output(record, digest, self.fmt, self.options)

    def write(self, name: str, record: dict[str, Any], digest: Digest) -> None:
        """Render and write one output atomically, with SIGINT/SIGTERM held back meanwhile.

        Raises:
            OutputError: the folder cannot be created or the file cannot be written.
        """
        self.write_text(name, self.render(record, digest))

    def write_text(self, name: str, text: str) -> None:
        """Write one rendered output atomically (see :meth:`write`).

        Raises:
            OutputError: the folder cannot be created or the file cannot be written.
        """
        target = self.root / name
        with signals_deferred():
            self._sweeper.sweep(target)
            _mkdir(target.parent)
            write_atomic(target, text)

    def stage(self, name: str, text: str) -> str:
        """Write one rendered output to a hidden temp file beside it, for :meth:`commit` (maybe in another
        process); return the temp file's path.

        Raises:
            OutputError: the folder cannot be created or the file cannot be written.
        """
        target = self.root / name
        _mkdir(target.parent)
        return stage_atomic(target, text)

    def commit(self, staged: str, name: str) -> None:
        """Rename a file :meth:`stage` wrote onto its output (other temps of that output are removed).

        Raises:
            OutputError: the rename failed.
        """
        target = self.root / name
        self._sweeper.sweep(target, staged)
        commit_staged(staged, target)


class _TempSweeper:
    """Removes temp files that a killed run left beside outputs this run owns.

    Each folder is listed once; only temps of our own targets are removed, so runs on other
    shards writing into the same folder are never disturbed.
    """

    _TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")

    def __init__(self) -> None:
        self._seen: dict[Path, dict[str, list[Path]]] = {}

    def sweep(self, target: Path, keep: str | None = None) -> None:
        folder = target.parent
        if folder not in self._seen:
            temps: dict[str, list[Path]] = {}
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        match = self._TEMP.match(entry.name)
                        if match:
                            temps.setdefault(match["name"], []).append(Path(entry.path))
            except OSError:
                pass
            self._seen[folder] = temps
        for temp in self._seen[folder].pop(target.name, []):
            if keep is None or temp.name != Path(keep).name:  # temp names are unique in a folder
                temp.unlink(missing_ok=True)


def _same_file(source: Path, target: Path) -> bool:
    try:
        return source.resolve() == target.resolve()
    except OSError:
        return False


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
