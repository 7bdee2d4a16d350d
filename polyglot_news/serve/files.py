"""LibreTranslate's file translation: ``POST /translate_file`` then ``GET /download_file/NAME``.

A file format is a :class:`FileFormat`: how a file's bytes become pieces (text to translate,
markup to keep as it is) and how the pieces, some of their texts translated, become a file
again. Built in, each read as the CLI's ``translate`` reads it: text (``.txt``, UTF-8), web
pages (``.html``, ``.htm``: the page's declared, misdeclared or undeclared encoding, its
markup kept byte for byte, the file written back in UTF-8) and Word documents (``.docx``:
the document's text with its footnotes as ``[N]`` markers and a ``References:`` list,
written back as a text file, as ``translate letter.docx`` prints it). A file a reader
refuses is a 400 with the reader's one-line reason. Another format plugs in with
:func:`register` and is offered by ``/translate_file`` and ``/frontend/settings`` from then
on. Translated files are kept in memory for :data:`KEEP_S` seconds (at most
:data:`KEEP_FILES` of them, oldest dropped first), under an unguessable name; the text of
one file counts against ``--max-chars`` like ``q`` does.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from polyglot_news.errors import InputError
from polyglot_news.readers.markup import Piece, join_markup, page_pieces, read_page
from polyglot_news.serve.batching import Engine
from polyglot_news.serve.config import ServeConfig
from polyglot_news.serve.libretranslate import check_pair, guess, language_param, translate_pieces
from polyglot_news.serve.requests import ApiError, Upload

KEEP_S = 600.0
KEEP_FILES = 64
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class FileFormat:
    """How one kind of file is read into pieces and written back."""

    suffixes: tuple[str, ...]
    media_type: str
    read: Callable[[bytes, str], list[Piece]]
    """The file's pieces; raises :class:`InputError` (400) for a file it cannot read."""
    write: Callable[[list[Piece], dict[int, str]], bytes]
    """The file from its pieces, text piece ``i`` replaced by its translation ``translated[i]``."""
    suffix_out: str | None = None
    """The translated file's suffix when it is another kind of file (``.txt`` for a Word document)."""


def _read_text(data: bytes, name: str) -> list[Piece]:
    from polyglot_news.io import decode

    text = decode(data, name)
    return [Piece(True, text, text)]


def _write_text(pieces: list[Piece], translated: dict[int, str]) -> bytes:
    return "".join(translated.get(i, piece.value) for i, piece in enumerate(pieces)).encode("utf-8")


def _read_html(data: bytes, name: str) -> list[Piece]:
    return page_pieces(read_page(data, name), name)


def _read_docx(data: bytes, name: str) -> list[Piece]:
    from polyglot_news.readers.sources import read_document

    text = read_document(data, name, "docx").text
    return [Piece(True, text, text)]


FORMATS: dict[str, FileFormat] = {}


def register(fmt: FileFormat) -> None:
    """Offer ``fmt`` for the suffixes it names (replacing a format that had them)."""
    for suffix in fmt.suffixes:
        FORMATS[suffix.lower()] = fmt


register(FileFormat((".txt",), TEXT, _read_text, _write_text))
register(FileFormat((".html", ".htm"), "text/html; charset=utf-8", _read_html,
                    lambda pieces, translated: join_markup(pieces, translated).encode("utf-8")))
register(FileFormat((".docx",), TEXT, _read_docx, _write_text, suffix_out=".txt"))


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
    try:  # off the event loop: a Word file or a large page takes a while to read
        pieces = await engine.aside(lambda: fmt.read(upload.data, upload.filename))
    except InputError as error:
        raise ApiError(400, f"Invalid request: {error}") from None
    text = "".join(piece.value for piece in pieces if piece.text)
    if len(text) > config.max_chars:
        raise ApiError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({config.max_chars})")
    if source == "auto":
        source = (await engine.aside(lambda: guess(text, known)))["language"]
        check_pair(source, target, known)
    done = (await translate_pieces([pieces], [source], target, engine))[0]
    filename = upload.filename
    if fmt.suffix_out is not None:
        filename = filename[: len(filename) - len(suffix)] + fmt.suffix_out
    name = downloads.add(filename, fmt.write(pieces, done), fmt.media_type)
    return {"translatedFileUrl": f"{base_url.rstrip('/')}/download_file/{name}"}


def file_formats() -> list[str]:
    """The suffixes ``/translate_file`` takes, for ``/frontend/settings``."""
    return sorted(FORMATS)
