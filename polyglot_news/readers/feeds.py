"""Feeds in: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed (the standard library), one article an item.

Hostile XML is refused before any parser sees it: a feed that declares an entity
(``<!ENTITY``: the billion laughs, quadratic blow-up and external-entity attacks all need
one) is refused whole, and the ``<!DOCTYPE>`` of every feed is removed, so no DTD is ever
read or fetched (an RSS 0.91 feed naming Netscape's DTD reads as before; its HTML entities
are known to feedparser's lenient parser). Feedparser is handed bytes, never a string (a
string that looks like an address would be fetched), re-encoded as UTF-8 after
:mod:`.encoding` decoded them (a legacy Russian feed in windows-1251 or KOI8-R, declared or
not). Each item becomes a :class:`FeedItem`: its article (the title as headline, the
fullest content, or the description when that is all there is), its id (guid, else link),
the fields passed through (``link``, ``published``, ``author``), or the error that item
alone has.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from polyglot_news.document import Article
from polyglot_news.errors import InputError
from polyglot_news.io import refuse_binary
from polyglot_news.parse import parse_article
from polyglot_news.readers.encoding import decode_markup
from polyglot_news.readers.html import fragment_article
from polyglot_news.readers.libraries import require

__all__ = ["MAX_FEED_BYTES", "FeedItem", "read_feed"]

MAX_FEED_BYTES = 32 * 1024 * 1024
"""Largest feed read: a few thousand full-text items."""

# The document type declaration (removed: its DTD is never read). Possessive runs that stop at the
# next ``<`` (before an internal subset) or the next ``<!DOCTYPE`` (inside one): a feed holding the
# string many times costs linear time, not a scan to its end from each.
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[<>]*+(?:\[(?:[^\]<]|<(?!!DOCTYPE))*+\])?\s*>", re.IGNORECASE)
_XML_DECL = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")
_FULL_TEXT = ("yandex_full-text", "full-text", "fulltext")
_MARKUP = re.compile(r"<[a-zA-Z/!]")


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed: its id, the article (or the error it alone has), the fields passed through."""

    id: str
    article: Article | None
    fields: dict[str, str] = field(default_factory=dict)
    error: InputError | None = None


def _text_article(text: str, name: str, headline: str | None, html: bool) -> Article:
    if html or _MARKUP.search(text):
        return fragment_article(text, name, headline)
    article = parse_article(text, headline=False)
    if not article.paragraphs:
        raise InputError(f"{name}: no text in the content")
    return Article(headline, article.paragraphs, article.references, article.boilerplate)


def _item(
    position: int, name: str, ident: str | None, title: str | None, body: str | None, html: bool,
    fields: dict[str, str],
) -> FeedItem:
    item_id = ident or fields.get("link") or f"{name}#{position}"
    headline = " ".join(title.split()) if title else None
    try:
        if not body or not body.strip():
            raise InputError(f"{item_id}: the item has no text (neither content nor description)")
        if "\ufffd" in body or (headline and "\ufffd" in headline):
            raise InputError(f"{item_id}: the item holds bytes that are not text in the feed's encoding")
        article = _text_article(body, item_id, headline, html)
    except InputError as error:
        return FeedItem(item_id, None, fields, error)
    return FeedItem(item_id, article, fields)


def _xml_items(text: str, name: str) -> list[FeedItem]:
    if "<!ENTITY" in text:
        raise InputError(
            f"{name}: the feed declares XML entities (<!ENTITY>); entity expansion and external entities "
            "are refused (the XML bomb and XXE guard): remove its DOCTYPE"
        )
    cleaned = _XML_DECL.sub(r"\1\2utf-8\2", _DOCTYPE.sub("", text, count=1), count=1)
    feedparser = require("feedparser", "RSS and Atom feeds")  # imported here: only feeds need it
    parsed = feedparser.parse(
        cleaned.encode("utf-8"), response_headers={"content-type": "application/xml; charset=utf-8"}
    )
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        why = f"not a well-formed feed ({problem})" if problem else "no <item> or <entry> in it"
        raise InputError(f"{name}: no feed item could be read: {why}")
    items = []
    for position, entry in enumerate(parsed.entries, start=1):
        body, html = _entry_body(entry)
        fields = {key: str(entry[key]) for key in ("link", "published", "author") if entry.get(key)}
        items.append(_item(position, name, entry.get("id"), entry.get("title"), body, html, fields))
    return items


def _entry_body(entry: Any) -> tuple[str | None, bool]:
    """The fullest text of an entry (content, a full-text extension, the description) and whether it is HTML."""
    candidates: list[tuple[str, bool]] = []
    for content in entry.get("content") or ():
        candidates.append((content.get("value") or "", "html" in (content.get("type") or "html")))
    for key in _FULL_TEXT:
        if isinstance(entry.get(key), str):
            candidates.append((entry[key], False))
    detail = entry.get("summary_detail") or {}
    if entry.get("summary"):
        candidates.append((entry["summary"], "html" in (detail.get("type") or "html")))
    if not candidates:
        return None, False
    return max(candidates, key=lambda c: len(c[0]))


def _json_items(feed: Any, name: str) -> list[FeedItem]:
    items = feed.get("items") if isinstance(feed, dict) else None
    if not isinstance(items, list):
        raise InputError(f'{name}: a JSON Feed needs an "items" list')
    out = []
    for position, entry in enumerate(items, start=1):
        if not isinstance(entry, dict):
            out.append(FeedItem(f"{name}#{position}", None, {}, InputError(f"{name}#{position}: not a JSON object")))
            continue
        html = entry.get("content_html")
        text = entry.get("content_text") or entry.get("summary")
        body = html if isinstance(html, str) and html.strip() else text if isinstance(text, str) else None
        author = entry.get("authors") or ([entry["author"]] if isinstance(entry.get("author"), dict) else [])
        fields = {
            "link": entry.get("url"),
            "published": entry.get("date_published"),
            "author": ", ".join(a["name"] for a in author if isinstance(a, dict) and isinstance(a.get("name"), str)),
        }
        clean = {k: v for k, v in fields.items() if isinstance(v, str) and v}
        ident = entry.get("id")
        title = entry.get("title") if isinstance(entry.get("title"), str) else None
        out.append(_item(position, name, str(ident) if ident not in (None, "") else None, title, body,
                         body is html, clean))
    return out


def is_json_feed(data: bytes) -> bool:
    """Whether ``data`` starts like a JSON Feed (its ``version`` names jsonfeed.org)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b"jsonfeed.org/version" in head


def read_feed(data: bytes, name: str) -> list[FeedItem]:
    """Every item of an RSS, Atom or JSON feed (see the module docstring).

    Raises:
        InputError: the whole feed is unusable: too large, binary, undecodable, declaring entities, or
            without a single readable item.
    """
    if len(data) > MAX_FEED_BYTES:
        raise InputError(f"{name}: the feed is larger than the {MAX_FEED_BYTES:,}-byte limit; split it")
    if is_json_feed(data):
        refuse_binary(data, name)
        try:
            feed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise InputError(f"{name}: not a valid JSON Feed ({str(exc)[:120]})") from None
        return _json_items(feed, name)
    text, _ = decode_markup(data, name)
    return _xml_items(text, name)
