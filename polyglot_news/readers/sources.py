"""Which format an input is (by name, else by its first bytes), and reading one article in any of them.

:func:`read_document` is the one entry for a single article: bytes and a file name (or an
explicit format) in, the :class:`Document` out, with the article's text in the plain form
every command reads (headline, paragraphs with their markers, ``References:``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from polyglot_news.document import Article
from polyglot_news.errors import InputError
from polyglot_news.io import MAX_BYTES, decode
from polyglot_news.parse import parse_article

__all__ = [
    "FORMATS", "INPUT_FORMATS", "MAX_INPUT_BYTES", "Document", "article_text", "format_of", "read_document",
    "read_input", "sniff",
]

FORMATS = ("text", "html", "feed", "docx")
"""The input formats; ``auto`` (by name, else by content) picks one of them."""
INPUT_FORMATS = ("auto", *FORMATS)
MAX_INPUT_BYTES = 32 * 1024 * 1024
"""The most any reader reads before its own cap is checked (the feed and Word caps)."""

EXTENSIONS = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".rss": "feed", ".atom": "feed", ".rdf": "feed",
    ".docx": "docx",
    ".txt": "text", ".text": "text", ".md": "text",
}
"""File extensions whose format is certain; any other (``.xml``, ``.json``, none) is sniffed."""

_HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<div", b"<p>", b"<p ",
              b"<article", b"<section", b"<h1", b"<table")
_FEED_TAGS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")


def sniff(data: bytes) -> str:
    """The format of an input by its first bytes: ``docx`` (a zip), ``feed``, ``html`` or ``text``.

    Raises:
        InputError: a legacy Word ``.doc`` or a PDF, which no reader takes (the message says how to convert).
    """
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError("a Word 97-2003 .doc (or another OLE) file: save it as .docx (File > Save As) first")
    if data.startswith(b"%PDF-"):
        raise InputError("a PDF file, which is not read: export its text first (e.g. `pdftotext FILE -`)")
    head = data[:4096]
    for mark, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(mark):
            head = head[2:].decode(codec, errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    from polyglot_news.readers.feeds import is_json_feed

    if is_json_feed(head):
        return "feed"
    if not head.startswith(b"<"):
        return "text"
    if any(tag in head for tag in _FEED_TAGS):
        return "feed"
    if any(tag in head[:2048] for tag in _HTML_TAGS):
        return "html"
    return "feed" if head.startswith((b"<?xml", b"<!doctype", b"<!entity")) else "text"


def format_of(name: str | None, data: bytes, given: str = "auto") -> str:
    """The format to read: ``given`` unless ``auto``, else the file extension's, else :func:`sniff`'s."""
    if given != "auto":
        if given not in FORMATS:
            raise ValueError(f"unknown input format {given!r}: choose from {', '.join(INPUT_FORMATS)}")
        return given
    known = EXTENSIONS.get(PurePath(name).suffix.lower()) if name else None
    return known or sniff(data)


@dataclass(frozen=True)
class Document:
    """One article read from a file: its format, its parts, and its text in the plain article form."""

    format: str
    article: Article
    text: str


def article_text(article: Article) -> str:
    """The article as plain text: headline, a blank line, paragraphs (markers in place), ``References:``."""
    parts = [article.headline] if article.headline else []
    parts += list(article.paragraphs)
    if article.references:
        parts.append("References:\n" + "\n".join(f"[{ref.id}] {ref.title}" for ref in article.references))
    return "\n\n".join(parts) + "\n"


def read_input(data: bytes, name: str, fmt: str = "auto") -> Article | str:
    """One article from ``data``: its text as it is (``text``), or the :class:`Article` a reader built.

    Raises:
        InputError: unreadable in its format, too large, no text, or a feed (many articles: use ``batch``).
        ValueError: an unknown ``fmt``.
    """
    return _read_as(data, name, _format(name, data, fmt))


def _format(name: str, data: bytes, fmt: str) -> str:
    try:
        return format_of(name, data, fmt)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def _read_as(data: bytes, name: str, kind: str) -> Article | str:
    if kind == "text":
        if len(data) > MAX_BYTES:
            raise InputError(f"{name}: input is larger than the {MAX_BYTES:,}-byte limit")
        return decode(data, name)
    if kind == "html":
        from polyglot_news.readers.html import page_article

        return page_article(data, name)
    if kind == "docx":
        from polyglot_news.readers.docx import docx_article

        return docx_article(data, name)
    from polyglot_news.readers.feeds import read_feed

    items = read_feed(data, name)
    raise InputError(
        f"{name}: a feed of {len(items)} items, not one article: digest them with `polyglot-news batch {name}`"
    )


def read_document(data: bytes, filename: str = "", fmt: str = "auto") -> Document:
    """Read one article from a file's bytes: the entry for servers and scripts (``fmt``: ``auto`` or a format).

    Raises:
        InputError: as :func:`read_input`.
    """
    name = filename or "<input>"
    kind = _format(name, data, fmt)
    found = _read_as(data, name, kind)
    if isinstance(found, str):
        return Document("text", parse_article(found), found)
    return Document(kind, found, article_text(found))
