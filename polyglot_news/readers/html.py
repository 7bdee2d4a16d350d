"""Web pages in: the headline, the main text (trafilatura), citation markers and the notes list.

A saved page goes: decode (:mod:`.encoding`) → one lxml tree (no network, no DTD, no
entities) → headline from ``og:title``, the first ``<h1>`` or ``<title>`` (its site suffix
cut) → note links become text markers and the notes lists reference entries
(:mod:`.notes`) → trafilatura keeps the main text, dropping navigation, comments,
scripts and boilerplate → the article rules of :mod:`polyglot_news.parse` over its
paragraphs (a typed ``Sources:`` list, ``Read also:`` blocks). A *fragment* (a feed item's
content, a Word document converted to HTML) has no boilerplate to drop: every block is a
paragraph.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree
from lxml import html as lxml_html

from polyglot_news.document import Article, Reference
from polyglot_news.errors import InputError
from polyglot_news.parse import HEADLINE_MAX, parse_article
from polyglot_news.readers.libraries import require
from polyglot_news.readers.markup import MAX_PAGE_BYTES, read_page
from polyglot_news.readers.notes import take_notes

__all__ = ["MAX_PAGE_BYTES", "fragment_article", "page_article", "parse_html"]

MAX_DEPTH = 255
"""Deepest element nesting libxml2's HTML parser reads (deeper content it would drop)."""
MIN_CHARACTERS = 40
"""Fewer letters and digits than this in the main text is no article (a menu, a cookie banner)."""

_DROP = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "img", "video",
         "audio", "canvas", "button", "select", "input", "textarea")
_BLOCKS = ("p", "div", "li", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
           "table", "section", "article", "header", "footer", "figcaption", "ul", "ol", "dl", "hr")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_SUFFIX = re.compile(r"^(?P<head>.{12,}?)\s+(?:[-|–—:]{1,2}|::)\s+(?P<site>[^-|–—]{2,40})$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LEADING_DOCTYPE = re.compile(r"^\s*<!DOCTYPE[^>]{0,1000}>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphens, zero-width characters
_EDIT_LINKS = '//*[contains(concat(" ", normalize-space(@class), " "), " mw-editsection ")]'


def parse_html(text: str) -> lxml_html.HtmlElement:
    """One lxml tree of a page: no network, no DTD loading; comments and processing instructions dropped.

    Raises:
        InputError: nothing to parse (the markup holds no element).
    """
    parser = lxml_html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, default_doctype=False, collect_ids=False,
        encoding="utf-8",
    )
    # libxml2 misreads some pages whose first line holds the doctype, and stops at control characters
    text = _CONTROL.sub("", _LEADING_DOCTYPE.sub("", text, count=1))
    try:  # as UTF-8 bytes: lxml refuses a string that starts with an XML declaration (XHTML)
        root = lxml_html.document_fromstring(text.encode("utf-8", errors="surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"the page cannot be parsed as HTML ({exc})") from None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise InputError(
            f"the page nests its elements more than {MAX_DEPTH} deep, past what the HTML parser reads "
            "(no real page does): it is refused rather than read in part"
        )
    return root


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _text(node: etree._Element) -> str:
    return " ".join(_INVISIBLE.sub("", "".join(node.itertext())).split())


def main_lines(body: etree._Element) -> tuple[list[str], set[str]]:
    """The lines of trafilatura's main text (its ``<main>`` body) and which of them are headings.

    A paragraph or quote is a line, each list item a ``- item`` line, each table row its cells
    joined with `` | `` (a row of header cells is a heading).
    """
    lines: list[str] = []
    headings: set[str] = set()
    for node in body:
        if node.tag == "list":
            lines += [f"- {text}" for item in node.iter("item") if (text := _text(item))]
        elif node.tag == "table":
            for row in node.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                line = " | ".join(cell for cell in cells if cell)
                if line:
                    lines.append(line)
                    if all(cell.get("role") == "head" for cell in row.iter("cell")):
                        headings.add(line)
        elif text := _text(node):
            lines.append(text)
            if node.tag == "head":
                headings.add(text)
    return lines, headings


def _first(root: lxml_html.HtmlElement, path: str) -> str | None:
    for found in root.xpath(path):
        text = " ".join((found if isinstance(found, str) else found.text_content()).split())
        if text:
            return text
    return None


def headline_of(root: lxml_html.HtmlElement) -> str | None:
    """``og:title``, else the first ``<h1>``, else ``<title>`` without its `` - Site`` suffix."""
    found = _first(root, '//meta[@property="og:title" or @name="og:title"]/@content') or _first(root, "//h1")
    if found is None:
        title = _first(root, "//title")
        cut = _SUFFIX.match(title) if title else None
        found = cut.group("head") if cut else title
    return found if found and len(found) <= HEADLINE_MAX else None


def _strip(root: lxml_html.HtmlElement, *, fragment: bool = False) -> None:
    """Remove Wikipedia's [edit] links, and from a fragment what is never text (scripts, media, controls).

    A page keeps the rest: trafilatura judges it (a ``<noscript>`` may hold the article).
    """
    for node in root.xpath(_EDIT_LINKS):
        node.drop_tree()
    if fragment:
        etree.strip_elements(root, *_DROP, with_tail=False)


def _article(
    headline: str | None, lines: list[str], headings: set[str], notes: tuple[Reference, ...]
) -> Article:
    """The article of a body's lines and its notes: parse's rules over the lines, headings out of the body.

    Headings stay in the text parse reads (``See also`` starts boilerplate, ``Sources`` a
    reference list) but never become body paragraphs: they join the boilerplate, kept and
    never summarized.
    """
    parsed = parse_article("\n\n".join(line for line in (_clean(x) for x in lines) if line), headline=False)
    ids = {ref.id for ref in notes}
    typed = tuple(ref for ref in parsed.references if ref.id not in ids)
    body = tuple(p for p in parsed.paragraphs if p not in headings and p != headline)
    heads = tuple(p for p in parsed.paragraphs if p in headings and p != headline)
    return replace(
        parsed, headline=headline, paragraphs=body, references=notes + typed, boilerplate=parsed.boilerplate + heads
    )


def _visible_text(root: lxml_html.HtmlElement) -> str:
    body = root.find("body")
    texts = (body if body is not None else root).xpath(
        ".//text()[not(ancestor::script or ancestor::style or ancestor::template or ancestor::noscript)]"
    )
    return _clean(" ".join(texts))


def page_article(data: bytes, name: str) -> Article:
    """The article of a saved web page: headline, main text with markers, the notes as references.

    Raises:
        InputError: larger than :data:`MAX_PAGE_BYTES`, binary, undecodable, or without main text
            (the message says whether the page holds no text at all or only boilerplate).
    """
    text = read_page(data, name)
    try:
        root = parse_html(text)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None
    headline = headline_of(root)
    _strip(root)
    notes = take_notes(root)
    trafilatura = require("trafilatura", "web pages")  # imported here: it loads in ~0.3 s
    found = trafilatura.bare_extraction(root, include_comments=False, include_tables=True, with_metadata=False)
    main = getattr(found, "body", None)
    lines, headings = main_lines(main) if main is not None else ([], set())
    article = _article(headline, lines, headings, notes.references)
    if sum(ch.isalnum() for p in article.paragraphs for ch in p) < MIN_CHARACTERS:
        visible = _visible_text(root)
        why = (
            "the page holds no text (a page that builds itself with scripts must be saved after it has loaded)"
            if not visible
            else f"its {len(visible):,} characters of text look like navigation or boilerplate, not an article"
            f" (fewer than {MIN_CHARACTERS} letters of main text)"
        )
        raise InputError(f"{name}: no main text found: {why}; save the article's own page or its text")
    return article


def fragment_lines(root: lxml_html.HtmlElement) -> tuple[list[str], set[str]]:
    """The text of every block of an HTML fragment, one string per block, and which blocks are headings.

    A heading is an ``<h1>``-``<h6>`` or a short paragraph set entirely in bold.
    """
    headings = {_clean(node.text_content()) for node in root.iter(*_HEADINGS)}
    for node in root.iter("p"):
        bold = "".join(child.text_content() for child in node if child.tag in ("b", "strong"))
        text = _clean(node.text_content())
        if text and len(text) <= 120 and _clean(bold) == text and not (node.text or "").strip():
            headings.add(text)
    for node in root.iter("br"):
        node.tail = "\n" + (node.tail or "")
    for node in root.iter(*_BLOCKS):
        node.tail = "\n\n" + (node.tail or "")
        node.text = "\n\n" + (node.text or "")
    text = root.text_content()
    return [_clean(block.replace("\n", " ")) for block in re.split(r"\n\s*\n", text)], headings


def fragment_article(markup: str, name: str, headline: str | None = None) -> Article:
    """The article of an HTML fragment (a feed item's content, a converted Word file): every block kept.

    Raises:
        InputError: the fragment holds no text.
    """
    root = parse_html(f"<div>{markup}</div>" if markup.strip() else "<div></div>")
    _strip(root, fragment=True)
    notes = take_notes(root)
    lines, headings = fragment_lines(root)
    article = _article(headline, lines, headings, notes.references)
    if not article.paragraphs:
        raise InputError(f"{name}: no text in the content")
    return article
