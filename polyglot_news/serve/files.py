"""LibreTranslate's file translation: ``POST /translate_file`` then ``GET /download_file/NAME``.

A file format is a :class:`FileFormat`: how a file's bytes become pieces (text to translate,
markup to keep as it is) and how the translated pieces become a file again. Text (``.txt``)
and HTML (``.html``, ``.htm``) are built in; another reader (a Word document's runs, say)
plugs in with :func:`register` and is offered by ``/translate_file`` and
``/frontend/settings`` from then on. Translated files are kept in memory for
:data:`KEEP_S` seconds (at most :data:`KEEP_FILES` of them, oldest dropped first), under an
unguessable name; the text of one file counts against ``--max-chars`` like ``q`` does.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from polyglot_news.errors import InputError
from polyglot_news.serve.batching import Engine
from polyglot_news.serve.config import ServeConfig
from polyglot_news.serve.libretranslate import check_pair, guess, language_param, translate_pieces
from polyglot_news.serve.markup import Piece, html_pieces, join_html
from polyglot_news.serve.requests import ApiError, Upload

KEEP_S = 600.0
KEEP_FILES = 64


@dataclass(frozen=True)
class FileFormat:
    """How one kind of file is read into pieces and written back."""

    suffixes: tuple[str, ...]
    media_type: str
    read: Callable[[bytes, str], list[Piece]]
    """The file's pieces; raises :class:`InputError` (400) for a file it cannot read."""
    write: Callable[[list[Piece]], bytes]


def _read_text(data: bytes, name: str) -> list[Piece]:
    from polyglot_news.io import decode

    return [(True, decode(data, name))]


def _read_html(data: bytes, name: str) -> list[Piece]:
    from polyglot_news.io import decode

    return html_pieces(decode(data, name))


FORMATS: dict[str, FileFormat] = {}


def register(fmt: FileFormat) -> None:
    """Offer ``fmt`` for the suffixes it names (replacing a format that had them)."""
    for suffix in fmt.suffixes:
        FORMATS[suffix.lower()] = fmt


register(FileFormat((".txt",), "text/plain; charset=utf-8", _read_text,
                    lambda pieces: "".join(text for _, text in pieces).encode("utf-8")))
register(FileFormat((".html", ".htm"), "text/html; charset=utf-8", _read_html,
                    lambda pieces: join_html(pieces).encode("utf-8")))


@dataclass(frozen=True)
class Stored:
    filename: str
    data: bytes
    media_type: str
    expires: float


class Downloads:
    """Translated files waiting to be fetched: a few, for a few minutes, in memory."""

    def __init__(self) -> None:
        self._files: OrderedDict[str, Stored] = OrderedDict()

    def add(self, filename: str, data: bytes, media_type: str) -> str:
        self.prune()
        while len(self._files) >= KEEP_FILES:
            self._files.popitem(last=False)
        name = f"{uuid.uuid4().hex}.{_safe(filename)}"
        self._files[name] = Stored(filename, data, media_type, time.monotonic() + KEEP_S)
        return name

    def get(self, name: str) -> Stored | None:
        self.prune()
        return self._files.get(name)

    def prune(self) -> None:
        now = time.monotonic()
        for name in [n for n, f in self._files.items() if f.expires <= now]:
            del self._files[name]


def _safe(filename: str) -> str:
    """A file name reduced to letters, digits, ``.``, ``-`` and ``_`` (no folders), for URLs."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch if ch.isascii() and (ch.isalnum() or ch in ".-_") else "_" for ch in base).strip("._")
    return kept[:100] or "file.txt"


async def translate_file(
    params: dict[str, Any], config: ServeConfig, engine: Engine, installed: list[dict[str, Any]],
    downloads: Downloads, base_url: str,
) -> dict[str, str]:
    """Translate the uploaded ``file`` from ``source`` (or ``auto``) to ``target``; its download URL."""
    upload = params.get("file")
    if not isinstance(upload, Upload):
        raise ApiError(400, "Invalid request: missing file parameter")
    source = language_param(params, "source")
    target = language_param(params, "target")
    if not upload.filename:
        raise ApiError(400, "Invalid request: empty file")
    suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise ApiError(400, "Invalid request: file format not supported")
    known = {entry["code"]: entry for entry in installed}
    check_pair(source, target, known)
    try:
        pieces = fmt.read(upload.data, upload.filename)
    except InputError as error:
        raise ApiError(400, f"Invalid request: {error}") from None
    text = "".join(piece for is_text, piece in pieces if is_text)
    if len(text) > config.max_chars:
        raise ApiError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({config.max_chars})")
    if source == "auto":
        source = (await engine.aside(lambda: guess(text, known)))["language"]
        check_pair(source, target, known)
    done = (await translate_pieces([pieces], [source], target, engine))[0]
    name = downloads.add(upload.filename, fmt.write(done), fmt.media_type)
    return {"translatedFileUrl": f"{base_url.rstrip('/')}/download_file/{name}"}


def file_formats() -> list[str]:
    """The suffixes ``/translate_file`` takes, for ``/frontend/settings``."""
    return sorted(FORMATS)
