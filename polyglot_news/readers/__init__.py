"""Newsroom inputs: web pages, feeds and Word files read into articles, citations kept.

Every reader is offline (no DTD, stylesheet or image is fetched), bounded (size caps, zip
guards, no entity expansion) and returns the project's :class:`~polyglot_news.document.Article`
with its markers in place and its notes as the reference list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.readers.feeds import FeedItem, read_feed
    from polyglot_news.readers.markup import split_markup
    from polyglot_news.readers.sources import (
        FORMATS,
        INPUT_FORMATS,
        Document,
        article_text,
        format_of,
        read_document,
        read_input,
        sniff,
    )

__all__ = [
    "FORMATS", "INPUT_FORMATS", "Document", "FeedItem", "article_text", "format_of", "read_document", "read_feed",
    "read_input", "sniff", "split_markup",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "FeedItem": "feeds",
        "read_feed": "feeds",
        "split_markup": "markup",
        **{name: "sources" for name in (
            "FORMATS", "INPUT_FORMATS", "Document", "article_text", "format_of", "read_document", "read_input", "sniff",
        )},
    },
)
