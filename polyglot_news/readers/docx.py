"""Word files in: paragraphs, headings, footnotes and endnotes as markers with their reference list.

A ``.docx`` is a zip, so it gets the guards model archives get, all decided from the listing
before a byte is unpacked: at most :data:`MAX_MEMBERS` members (counted from the end record
before the central directory is read), at most :data:`MAX_UNPACKED` bytes declared in all,
and at most :data:`MAX_RATIO`:1 expansion for each member and for the whole file once it
declares more than a MiB. Its XML parts must hold no NUL (binary data, refused as text input
is) and declare no DTD or entity. mammoth (which reads no linked file) converts it to HTML,
where footnotes and endnotes are ``<sup><a href="#footnote-1">[1]</a></sup>`` links to one
``<ol>``: from there the page reader's note rules make them markers and references. The
headline is the first Heading 1 or Title, or a first paragraph set entirely in bold.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.parsers.expat import ExpatError

from lxml import html as lxml_html

from polyglot_news.document import Article
from polyglot_news.errors import InputError
from polyglot_news.io import refuse_binary, zip_member_count
from polyglot_news.parse import HEADLINE_MAX
from polyglot_news.readers.html import fragment_article, parse_html
from polyglot_news.readers.libraries import require

__all__ = ["MAX_DOCX_BYTES", "MAX_MEMBERS", "MAX_RATIO", "MAX_UNPACKED", "docx_article"]

MAX_DOCX_BYTES = 32 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_UNPACKED = 256 * 1024 * 1024
MAX_RATIO = 100
RATIO_MIN_BYTES = 1024 * 1024
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """Open a Word file's zip after the module's guards; every refusal is an :class:`InputError`."""
    if len(data) > MAX_DOCX_BYTES:
        raise InputError(f"{name}: the document is larger than the {MAX_DOCX_BYTES:,}-byte limit")
    handle = io.BytesIO(data)
    count = zip_member_count(handle)
    if count is not None and count > MAX_MEMBERS:
        raise InputError(f"{name}: {count:,} members, more than the cap of {MAX_MEMBERS:,} (zip bomb?)")
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OverflowError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: not a Word .docx file (not a valid zip: {exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"{name}: {len(infos):,} members, more than the cap of {MAX_MEMBERS:,} (zip bomb?)")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise InputError(
                f"{name}: member {info.filename!r} expands {ratio:,.0f}:1, above {MAX_RATIO}:1 (zip bomb?)"
            )
    if total > MAX_UNPACKED:
        raise InputError(f"{name}: unpacks to {total:,} bytes, more than the {MAX_UNPACKED:,}-byte cap (zip bomb?)")
    if total > RATIO_MIN_BYTES and total / max(len(data), 1) > MAX_RATIO:
        raise InputError(f"{name}: {len(data):,} bytes unpack to {total:,}, above {MAX_RATIO}:1 (zip bomb?)")
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        raise InputError(f"{name}: a zip archive, but not a Word .docx (no word/document.xml)")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                part = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
                raise InputError(f"{name}: corrupt .docx ({info.filename}: {exc})") from None
            refuse_binary(part, f"{name}: {info.filename}")  # XML text: no NUL
            if _DTD.search(part):
                raise InputError(
                    f"{name}: {info.filename} declares a DTD or entities, which a Word file never does; refused"
                )
    return archive


def _headline(root: lxml_html.HtmlElement) -> str | None:
    """Take the headline out of the converted document: the first ``<h1>``, or a leading all-bold paragraph."""
    first = next((node for node in root.iter("h1", "p") if node.text_content().strip()), None)
    if first is None:
        return None
    text = " ".join(first.text_content().split())
    bold = "".join(" ".join(n.text_content().split()) for n in first if n.tag in ("strong", "b"))
    if len(text) <= HEADLINE_MAX and (first.tag == "h1" or (bold == text and not (first.text or "").strip())):
        first.drop_tree()
        return text
    return None


def docx_article(data: bytes, name: str) -> Article:
    """The article of a Word ``.docx`` file (see the module docstring).

    Raises:
        InputError: refused by a guard, corrupt, or without text.
    """
    check_zip(data, name)
    mammoth = require("mammoth", "Word files")  # imported here: only Word files need it
    require("mammoth.images", "Word files")
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), convert_image=mammoth.images.img_element(lambda image: {}),
            style_map="p[style-name='Title'] => h1:fresh",
        )
    except (KeyError, ValueError, AttributeError, ExpatError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(f"{name}: cannot read the Word document ({type(exc).__name__}: {exc})") from None
    root = parse_html(f"<div>{result.value}</div>")
    headline = _headline(root)
    body = root.find(".//body")
    inner = body if body is not None else root
    markup = "".join(lxml_html.tostring(child, encoding="unicode") for child in inner)
    return fragment_article(markup, name, headline)
