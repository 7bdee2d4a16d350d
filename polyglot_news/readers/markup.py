"""HTML as markup and text pieces, so that a page can be translated with its markup kept verbatim.

:func:`split_markup` cuts a page into pieces: markup (tags, comments, declarations, the
content of ``<script>`` and ``<style>``) kept byte for byte, and text nodes (entities
decoded). :func:`join_markup` puts a page back together from its pieces with some text
pieces replaced (escaped again), and every ``charset`` a ``<meta>`` declares set to UTF-8,
the encoding the joined page is written in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

__all__ = ["Piece", "join_markup", "split_markup"]

_RAW = ("script", "style")
_CHARSET = re.compile(r"""(<meta\b[^>]*?charset\s*=\s*["']?)([A-Za-z0-9._:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Piece:
    """A stretch of a page: a text node (``text`` True, entities decoded) or markup kept as written."""

    text: bool
    value: str


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[Piece] = []
        self.raw = 0

    def _markup(self, value: str) -> None:
        self.pieces.append(Piece(False, value))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._markup(self.get_starttag_text() or "")
        self.raw += tag in _RAW

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._markup(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self._markup(f"</{tag}>")
        if tag in _RAW and self.raw:
            self.raw -= 1

    def handle_data(self, data: str) -> None:
        if self.raw:
            self._markup(data)
        elif self.pieces and self.pieces[-1].text:
            self.pieces[-1] = Piece(True, self.pieces[-1].value + data)
        else:
            self.pieces.append(Piece(True, data))

    def handle_comment(self, data: str) -> None:
        self._markup(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._markup(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._markup(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._markup(f"<![{data}]>")


def split_markup(page: str) -> list[Piece]:
    """The page's pieces in order; joined unchanged they give back the page (entities decoded in text)."""
    splitter = _Splitter()
    splitter.feed(page)
    splitter.close()
    return splitter.pieces


def join_markup(pieces: list[Piece], replaced: dict[int, str] | None = None) -> str:
    """The page from its pieces, text piece ``i`` replaced by ``replaced[i]``; text escaped, charset UTF-8."""
    replaced = replaced or {}
    out = []
    for i, piece in enumerate(pieces):
        if piece.text:
            out.append(escape(replaced.get(i, piece.value), quote=False))
        else:
            out.append(_CHARSET.sub(lambda m: m.group(1) + "utf-8", piece.value) if "<meta" in piece.value.lower()
                       else piece.value)
    return "".join(out)
