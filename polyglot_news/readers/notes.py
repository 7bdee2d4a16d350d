"""Citation superscripts and the notes lists they point to, in an HTML tree.

A *note link* is an ``<a href="…#X">`` whose target ``#X`` is an item of a list in the same
page (Wikipedia's ``<sup class="reference"><a href="#cite_note-3">[3]</a></sup>`` and
``<ol class="references">``, a footnote plugin's ``<sup><a href="#fn:1">1</a></sup>``,
mammoth's Word footnotes), whose text is a note label (``3``, ``[3]``, ``[a]``, ``[n 1]``),
and which sits in a ``<sup>`` or is marked as a note reference (``role="doc-noteref"``, a
``footnote``/``noteref`` class). Each one becomes the text marker ``[label]`` at the place it
stood; every list it points into becomes reference entries (uncited items included), their
ids the labels the markers use, and leaves the tree with its heading, so that it is never read
as body text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import html as lxml_html

from polyglot_news.citations.grammar import is_marker, parse_refs
from polyglot_news.document import Reference

__all__ = ["NoteLists", "take_notes"]

_LABEL = re.compile(r"\[?\s*((?:n|nb|note)\s?\d{1,3}|\d{1,4}|[a-z])\s*\]?", re.IGNORECASE)
_NOTE_CLASS = re.compile(r"footnote|endnote|noteref|fnref|cite", re.IGNORECASE)
_BACKLINK_CLASS = re.compile(r"backlink|footnote-back|fn-back|reversefootnote|cite-backlink", re.IGNORECASE)
_BACK_TEXT = re.compile(r"^[\s^↑↩⤴︎]+|[\s↑↩⤴︎]+$")
_SPACE = re.compile(r"\s+")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class NoteLists:
    """What :func:`take_notes` found: the reference entries and how many note links became markers."""

    references: tuple[Reference, ...]
    markers: int


def _label(anchor: lxml_html.HtmlElement) -> str | None:
    """The marker text (``[3]``, ``[n 1]``) of a note link, or None if its text is not a note label."""
    text = _SPACE.sub(" ", anchor.text_content()).strip()
    found = _LABEL.fullmatch(text)
    if found is None:
        return None
    marker = f"[{found.group(1)}]"
    return marker if is_marker(marker) else None


def _is_note_reference(anchor: lxml_html.HtmlElement) -> bool:
    if (anchor.get("role") or "") == "doc-noteref" or _NOTE_CLASS.search(anchor.get("class") or ""):
        return True
    parent = anchor.getparent()
    for _ in range(2):
        if parent is None:
            return False
        if parent.tag == "sup":
            return True
        parent = parent.getparent()
    return False


def _note_item(target: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The list item a link's target is, or lies in (a target inside the item, e.g. a span)."""
    node: lxml_html.HtmlElement | None = target
    for _ in range(3):
        if node is None:
            return None
        if node.tag == "li" and node.getparent() is not None and node.getparent().tag in ("ol", "ul"):
            return node
        node = node.getparent()
    return None


def _outer(anchor: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element a marker replaces: the ``<sup>`` around the link when it holds nothing else."""
    node = anchor
    parent = anchor.getparent()
    while parent is not None and parent.tag in ("sup", "span") and len(parent) == 1 and not (parent.text or "").strip():
        node = parent
        if parent.tag == "sup":
            break
        parent = parent.getparent()
    return node


def replace_with_text(element: lxml_html.HtmlElement, text: str) -> None:
    """Put ``text`` (plus the element's tail) where ``element`` stood, and remove it."""
    parent = element.getparent()
    if parent is None:
        return
    joined = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)


def _entry_title(item: lxml_html.HtmlElement, backlinks: set[str]) -> str:
    for node in list(item.iter()):
        if node is item or not isinstance(node.tag, str):
            continue
        href = node.get("href") or ""
        back = (
            _BACKLINK_CLASS.search(node.get("class") or "")
            or node.get("role") == "doc-backlink"
            or (node.tag == "a" and "#" in href and href.split("#", 1)[1] in backlinks)
        )
        if back and node.getparent() is not None:
            replace_with_text(node, " ")
    return _BACK_TEXT.sub("", _SPACE.sub(" ", item.text_content())).strip()


def _labels_for(items: list[lxml_html.HtmlElement], cited: dict[int, str]) -> list[str]:
    """An id per list item: the label its markers use, else the list's numbering continued."""
    labels: list[str] = []
    first = ((i, cited[id(item)]) for i, item in enumerate(items) if id(item) in cited)
    anchor_pos, anchor_label = next(first, (0, "1"))
    shape = re.fullmatch(r"(\D*?)(\d+)", anchor_label)
    for i, item in enumerate(items):
        if id(item) in cited:
            labels.append(cited[id(item)])
        elif shape is not None:
            labels.append(f"{shape.group(1)}{int(shape.group(2)) + i - anchor_pos}")
        elif len(anchor_label) == 1 and anchor_label.isalpha() and 0 <= ord(anchor_label) + i - anchor_pos <= ord("z"):
            labels.append(chr(ord(anchor_label) + i - anchor_pos))
        else:
            labels.append(str(i + 1))
    return labels


def _drop_list(listing: lxml_html.HtmlElement) -> None:
    """Remove a notes list with the wrappers that hold only it and the heading right before them."""
    node = listing
    parent = node.getparent()
    while parent is not None and parent.tag in ("div", "section", "aside") and len(parent) == 1:
        node, parent = parent, parent.getparent()
    previous = node.getprevious()
    if previous is not None and previous.tag in _HEADINGS and len(previous.text_content()) <= 60:
        replace_with_text(previous, "")
    if node.getparent() is not None:
        replace_with_text(node, "\n")


def take_notes(root: lxml_html.HtmlElement) -> NoteLists:
    """Turn every note link of ``root`` into a text marker and take its notes lists out (see the module)."""
    ids: dict[str, lxml_html.HtmlElement] = {}
    for node in root.iter():
        if isinstance(node.tag, str):
            ident = node.get("id")
            if ident and ident not in ids:
                ids[ident] = node
    links: list[tuple[lxml_html.HtmlElement, str, lxml_html.HtmlElement]] = []
    for anchor in root.iter("a"):
        href = anchor.get("href") or ""
        if "#" not in href:
            continue
        target = ids.get(href.split("#", 1)[1])
        item = _note_item(target) if target is not None else None
        if item is None or not _is_note_reference(anchor):
            continue
        marker = _label(anchor)
        if marker is not None:
            links.append((anchor, marker, item))
    cited: dict[int, str] = {}
    backlinks: set[str] = set()
    lists: dict[int, lxml_html.HtmlElement] = {}
    for anchor, marker, item in links:
        refs = parse_refs(marker)
        if refs:
            cited.setdefault(id(item), refs[0])
        for node in (anchor, *anchor.iterancestors()):
            if node.get("id"):
                backlinks.add(node.get("id") or "")
            if node.tag == "sup":
                break
        listing = item.getparent()
        lists.setdefault(id(listing), listing)
        replace_with_text(_outer(anchor), marker)
    references: list[Reference] = []
    seen: set[str] = set()
    for listing in sorted(lists.values(), key=_document_order(root)):
        items = [child for child in listing if child.tag == "li"]
        for item, label in zip(items, _labels_for(items, cited), strict=True):
            title = _entry_title(item, backlinks)
            if title and label not in seen:
                seen.add(label)
                references.append(Reference(label, title))
    for listing in lists.values():
        _drop_list(listing)
    return NoteLists(tuple(references), len(links))


def _document_order(root: lxml_html.HtmlElement) -> Callable[[lxml_html.HtmlElement], int]:
    order = {id(node): i for i, node in enumerate(root.iter())}
    return lambda node: order.get(id(node), 0)
