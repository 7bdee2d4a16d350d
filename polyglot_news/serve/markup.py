"""HTML as pieces to translate or keep: text nodes out, every other byte of the markup kept verbatim.

``format=html`` (``/translate``) and HTML files (``/translate_file``) go through :func:`html_pieces`
and :func:`join_html`. The markup is cut from the source text itself, never rebuilt from what
the parser understood, so processing instructions (``<?xml …?>``), CDATA sections, comments,
declarations and malformed bits come back exactly as sent; only text outside ``<script>`` and
``<style>`` is translated (unescaped for the engine, escaped again on the way out).
"""

from __future__ import annotations

from html import escape, unescape
from html.parser import HTMLParser

Piece = tuple[bool, str]
"""``(is_text, content)``: text to translate (unescaped), or markup kept verbatim."""

RAW_TEXT = ("script", "style")


class _Starts(HTMLParser):
    """Where each construct of the source starts, and whether it is translatable text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.lines.append(i + 1)
        self.starts: list[tuple[int, bool]] = []
        self.raw = 0

    def _mark(self, is_text: bool) -> None:
        line, column = self.getpos()
        self.starts.append((self.lines[line - 1] + column, is_text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark(False)
        if tag in RAW_TEXT:
            self.raw += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark(False)

    def handle_endtag(self, tag: str) -> None:
        self._mark(False)
        if tag in RAW_TEXT and self.raw:
            self.raw -= 1

    def handle_data(self, data: str) -> None:
        self._mark(not self.raw)

    def handle_comment(self, data: str) -> None:
        self._mark(False)

    def handle_decl(self, decl: str) -> None:
        self._mark(False)

    def handle_pi(self, data: str) -> None:
        self._mark(False)

    def unknown_decl(self, data: str) -> None:
        self._mark(False)


def html_pieces(text: str) -> list[Piece]:
    """``text`` cut into pieces whose contents, markup as is and text escaped, join back to it."""
    parser = _Starts(text)
    parser.feed(text)
    parser.close()
    starts = sorted(set(parser.starts))
    if not starts or starts[0][0] != 0:
        starts.insert(0, (0, False))
    pieces: list[Piece] = []
    for (start, is_text), (end, _) in zip(starts, [*starts[1:], (len(text), False)], strict=True):
        span = text[start:end]
        if not span:
            continue
        # a text span that holds markup the parser skipped stays markup, so nothing is lost
        if is_text and "<" not in span:
            piece: Piece = (True, unescape(span))
        else:
            piece = (False, span)
        if pieces and pieces[-1][0] == piece[0]:
            pieces[-1] = (piece[0], pieces[-1][1] + piece[1])
        else:
            pieces.append(piece)
    return pieces


def join_html(pieces: list[Piece]) -> str:
    """The pieces as HTML again: text escaped, markup as it was."""
    return "".join(escape(text, quote=False) if is_text else text for is_text, text in pieces)
