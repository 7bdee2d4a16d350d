"""HTML as markup and text pieces, so that a page can be translated with its markup kept byte for byte.

:func:`split_markup` cuts a page into pieces: markup (tags, comments, declarations,
processing instructions such as ``<?xml …?>``, CDATA sections, the content of ``<script>``
and ``<style>``) and text nodes (entities decoded). Each piece is cut from the page itself,
never rebuilt from what the parser understood, so unchanged pieces join back to exactly
the page that came in. :func:`join_markup` puts a page back together with some text pieces
replaced (escaped again) and, for a page written as a file, every ``charset`` a ``<meta>``
declares set to UTF-8. :func:`read_page` is how a saved page's bytes become the page text
(size cap, encoding rules), for every reader of pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser

from polyglot_news.errors import InputError
from polyglot_news.readers.encoding import decode_markup

__all__ = ["MAX_PAGE_BYTES", "Piece", "join_markup", "page_pieces", "read_page", "split_markup"]

MAX_PAGE_BYTES = 16 * 1024 * 1024
"""Largest page read: about 15 times the longest Wikipedia article saved with its markup."""

_RAW = ("script", "style")
# ``[^<>]`` keeps one match inside one tag: a scan from each ``<meta`` stops at the next ``<``,
# so a tag holding ``<meta`` many times costs linear time, not quadratic.
_CHARSET = re.compile(r"""(<meta\b[^<>]*?charset\s*=\s*["']?)([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_UNFINISHED = re.compile(r"<[A-Za-z!/?]")


@dataclass(frozen=True)
class Piece:
    """A stretch of a page: a text node (``text`` True, entities decoded) or markup kept as written.

    ``source`` is the stretch as the page spells it (a text node's entities undecoded); a text
    piece that is not replaced joins back as its source.
    """

    text: bool
    value: str
    source: str = ""


class _Starts(HTMLParser):
    """Where each construct of the page starts, and whether it is text (with its decoded data)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0] + [i + 1 for i, ch in enumerate(page) if ch == "\n"]
        self.starts: list[tuple[int, bool, str]] = []
        self.raw = 0

    def _mark(self, is_text: bool, data: str = "") -> None:
        line, column = self.getpos()
        self.starts.append((self.lines[line - 1] + column, is_text, data))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark(False)
        self.raw += tag in _RAW

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark(False)

    def handle_endtag(self, tag: str) -> None:
        self._mark(False)
        if tag in _RAW and self.raw:
            self.raw -= 1

    def handle_data(self, data: str) -> None:
        self._mark(not self.raw, data)

    def handle_comment(self, data: str) -> None:
        self._mark(False)

    def handle_decl(self, decl: str) -> None:
        self._mark(False)

    def handle_pi(self, data: str) -> None:
        self._mark(False)

    def unknown_decl(self, data: str) -> None:
        self._mark(False)


def split_markup(page: str) -> list[Piece]:
    """The page's pieces in order: their sources join back to the page, character for character.

    Adjacent text (``a < b`` reaches the parser in three calls) is one piece. A construct the
    page leaves unfinished at its end (``<!-- …``, ``<b``) is markup, kept, never translated.
    """
    parser = _Starts(page)
    parser.feed(page)
    parser.close()
    starts = parser.starts
    if not starts or starts[0][0] != 0:
        starts.insert(0, (0, False, ""))
    pieces: list[Piece] = []
    ends = [start for start, _, _ in starts[1:]] + [len(page)]
    for (start, is_text, data), end in zip(starts, ends, strict=True):
        span = page[start:end]
        if not span:
            continue
        if is_text and pieces and pieces[-1].text:
            last = pieces[-1]
            pieces[-1] = Piece(True, last.value + data, last.source + span)
        else:
            pieces.append(Piece(True, data, span) if is_text else Piece(False, span, span))
    unfinished = _UNFINISHED.search(pieces[-1].source) if pieces and pieces[-1].text else None
    if unfinished is not None:  # what the parser could not finish at the end, it hands back as data
        head, tail = pieces[-1].source[: unfinished.start()], pieces[-1].source[unfinished.start() :]
        pieces[-1:] = [Piece(True, unescape(head), head)] * bool(head) + [Piece(False, tail, tail)]
    return pieces


def join_markup(pieces: list[Piece], replaced: dict[int, str] | None = None, *, utf8: bool = True) -> str:
    """The page from its pieces, text piece ``i`` replaced by ``replaced[i]`` (escaped).

    With ``utf8`` (a page written as a UTF-8 file) every ``<meta>`` charset says UTF-8;
    without it (markup that stays a string, as in an API answer) the markup is kept as it is.
    """
    replaced = replaced or {}
    out = []
    for i, piece in enumerate(pieces):
        if piece.text:
            out.append(escape(replaced[i], quote=False) if i in replaced else piece.source or escape(piece.value,
                                                                                                     quote=False))
        elif utf8 and "<meta" in piece.value.lower():
            out.append(_CHARSET.sub(lambda m: m.group(1) + "utf-8", piece.value))
        else:
            out.append(piece.value)
    return "".join(out)


def read_page(data: bytes, name: str) -> str:
    """A saved page's text: at most :data:`MAX_PAGE_BYTES`, decoded by the rules of :mod:`.encoding`.

    Raises:
        InputError: too large, binary (a NUL, as for text input), or bytes no encoding rule accepts
            (the message names the way out).
    """
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(
            f"{name}: the page is larger than the {MAX_PAGE_BYTES:,}-byte limit; save the article "
            "alone (the browser's 'Save page as', HTML only) or its text"
        )
    return decode_markup(data, name)[0]


def page_pieces(page: str, name: str | None = None) -> list[Piece]:
    """:func:`split_markup` of a page that must hold text to translate (``name`` names it in the error).

    Raises:
        InputError: no text node holds anything but whitespace (nothing to translate).
    """
    pieces = split_markup(page)
    if not any(piece.text and piece.value.strip() for piece in pieces):
        raise InputError(f"{name + ': ' if name else ''}the page holds no text to translate")
    return pieces
