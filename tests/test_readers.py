"""Newsroom inputs: pages, feeds and Word files read into articles, markers and references kept; bad inputs refused."""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from polyglot_news.cli import cli
from polyglot_news.document import Article
from polyglot_news.errors import InputError
from polyglot_news.pipeline import summarize_article
from polyglot_news.readers.docx import docx_article
from polyglot_news.readers.encoding import decode_markup
from polyglot_news.readers.feeds import read_feed
from polyglot_news.readers.html import fragment_article, page_article
from polyglot_news.readers.markup import join_markup, split_markup
from polyglot_news.readers.sources import article_text, format_of, read_document, sniff
from polyglot_news.segment import split_sentences
from polyglot_news.version import install_hint
from tests.conftest import EXAMPLES
from tests.docxmaker import build_docx, letter
from tests.helpers import finishes_within

PAGE = EXAMPLES / "page.html"
LETTER = EXAMPLES / "letter.docx"
FEEDS = EXAMPLES / "feeds"
RSS = FEEDS / "minsk-courier.xml"
ATOM = FEEDS / "courier-culture.xml"

BODY = (
    "<p>The city council approved a budget for new trams on Monday.{m1} The vote was close.</p>"
    "<p>Officials said the money will pay for forty new trams by 2028.{m2}</p>"
    "<p>Residents have long complained about crowded buses in the western districts of the city.</p>"
)


def page(body: str = BODY, head: str = "<title>Trams for Minsk - Courier</title>", charset: str = "utf-8") -> str:
    nav = "<nav><ul><li><a href='/a'>Home</a></li><li><a href='/b'>City</a></li></ul></nav>"
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'>{head}</head><body>{nav}"
        f"<article>{body}</article><footer><p>© Courier. All rights reserved.</p></footer></body></html>"
    )


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def sentences_of(article: Article) -> list[str]:
    return [s.text for s in split_sentences(article.paragraphs, "en")]


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        (b"\xef\xbb\xbf  <html lang='ru'><head>", "html"),
        (b"<div class='story'><p>Text</p></div>", "html"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel>", "feed"),
        (b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        (b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='x'>", "feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "feed"),
        (b"<!DOCTYPE bomb [<!ENTITY a 'x'>]><root>&a;</root>", "feed"),
        (b"PK\x03\x04rest of a zip", "docx"),
        (b"Minsk opened a metro line [1].\n", "text"),
        (b'{"id": 1, "text": "a JSON Lines article"}\n', "text"),
        (b"<3 is a heart, not markup\n", "text"),
    ],
)
def test_sniffing_tells_the_format_by_the_first_bytes(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "save it as .docx"),
        (b"%PDF-1.7\n", "pdftotext"),
    ],
)
def test_formats_no_reader_takes_are_named_with_the_way_out(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        sniff(data)


@pytest.mark.parametrize(
    ("name", "data", "given", "expected"),
    [
        ("story.html", b"plain words", "auto", "html"),
        ("story.HTM", b"", "auto", "html"),
        ("letter.docx", b"", "auto", "docx"),
        ("feed.rss", b"", "auto", "feed"),
        ("notes.txt", b"<html>", "auto", "text"),
        ("feed.xml", b"<?xml version='1.0'?><rss>", "auto", "feed"),
        ("page.xml", b"<html><body>", "auto", "html"),
        (None, b"<html><body>", "auto", "html"),
        ("story.html", b"<html>", "text", "text"),
    ],
)
def test_the_extension_decides_unless_a_format_is_given(
    name: str | None, data: bytes, given: str, expected: str
) -> None:
    assert format_of(name, data, given) == expected


# ------------------------------------------------------------------ encodings

RU = "Минск открыл новую линию метро. Жители западных районов довольны."


@pytest.mark.parametrize(
    ("data", "expected_encoding"),
    [
        (page(f"<p>{RU}</p>").encode("utf-8"), "utf-8"),
        (page(f"<p>{RU}</p>", charset="windows-1251").encode("utf-8"), "utf-8"),  # the meta lies: bytes are UTF-8
        (page(f"<p>{RU}</p>", charset="windows-1251").encode("cp1251"), "windows-1251"),
        (page(f"<p>{RU}</p>", charset="windows-1251").encode("koi8-r"), "koi8-r"),  # declared 1251, really KOI8-R
        (page(f"<p>{RU}</p>", charset="koi8-r").encode("koi8-r"), "koi8-r"),
        (page(f"<p>{RU}</p>", charset="utf-8").encode("cp1251"), "windows-1251"),  # declared UTF-8, really 1251
        (f"<html><body><p>{RU}</p></body></html>".encode("koi8-r"), "koi8-r"),  # nothing declared
        (f"<html><body><p>{RU}</p></body></html>".encode("cp1251"), "windows-1251"),
        (b"\xef\xbb\xbf" + f"<p>{RU}</p>".encode(), "utf-8"),
        (f"<p>{RU}</p>".encode("utf-16"), "utf-16"),
        (page("<p>Gr\xfc\xdfe aus M\xfcnchen.</p>", charset="iso-8859-1").encode("latin-1"), "iso8859-1"),
    ],
)
def test_decoding_follows_the_bytes_where_the_declaration_lies(data: bytes, expected_encoding: str) -> None:
    text, used = decode_markup(data, "page.html")
    assert used == expected_encoding
    assert "Минск" in text or "Grüße" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body><p>" + "Минск открыл метро. ".encode() * 20 + b"\xff\xfe broken</p>",
         "invalid UTF-8 at byte offset 735 \\(byte 0xff; no encoding declared\\)"),
        (b"\xef\xbb\xbf<rss><title>caf\xe9</title></rss>", "a UTF-8 byte-order mark but holds invalid bytes"),
    ],
)
def test_broken_bytes_are_refused_with_their_offset(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_markup(data, "x")


# ------------------------------------------------------------------ pages


def test_a_page_gives_its_headline_main_text_markers_and_references() -> None:
    article = page_article(PAGE.read_bytes(), "page.html")
    assert article.headline == "Minsk opens its fourth metro line after six years of work"
    text = "\n".join(article.paragraphs)
    for absent in ("Subscribe", "All rights reserved", "tracker", "dataLayer", "Five new tram", "By the Courier"):
        assert absent not in text
    sentences = sentences_of(article)
    assert "linking the western suburbs with the city centre for the first time.[1]" in sentences[0]
    assert any(s.endswith("then by flooding near the river.[2][3]") for s in sentences)
    assert any(s.endswith("seat 210 passengers each.[4]") for s in sentences)
    assert [(r.id, r.title[:24]) for r in article.references] == [
        ("1", 'Minsk Metro, "Line 4: fir'[:24]),
        ("2", "City executive committee"),
        ("3", "Ministry of Emergency Si"),
        ("4", "Rolling-stock plant, \"Ne"),
    ]


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        ("<meta property='og:title' content='From og:title'><title>From title - S</title>", "From h1", "From og:title"),
        ("<title>From title - Site</title>", "From h1", "From h1"),
        ("<title>Trams for the western districts | Minsk Courier</title>", "", "Trams for the western districts"),
        ("<title>Short</title>", "", "Short"),
    ],
)
def test_the_headline_comes_from_og_title_then_h1_then_title(head: str, h1: str, expected: str) -> None:
    body = (f"<h1>{h1}</h1>" if h1 else "") + BODY.format(m1="", m2="")
    assert page_article(page(body, head).encode(), "p.html").headline == expected


@pytest.mark.parametrize(
    ("m1", "m2", "notes", "ids", "ends"),
    [
        (  # Wikipedia: absolute links to the same page, backlinks in the notes
            '<sup class="reference"><a href="https://w.org/wiki/T#cite_note-a-1">[1]</a></sup>',
            '<sup class="reference"><a href="#cite_note-2">[2]</a></sup>',
            ('<h2>References</h2><div class="reflist"><ol class="references">'
            '<li id="cite_note-a-1"><span class="mw-cite-backlink"><b><a href="#cite_ref-1">^</a></b></span> '
            'Council minutes.</li><li id="cite_note-2"><span class="mw-cite-backlink">^ <a href="#r">a</a> '
            '<a href="#r2">b</a></span> Budget 2026.</li><li id="cite_note-3">Never cited.</li></ol></div>'),
            ["1", "2", "3"], ("Monday.[1]", "by 2028.[2]"),
        ),
        (  # a footnote plugin: bare numbers, role and class
            '<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>',
            '<sup id="fnref:2"><a href="#fn:2" class="footnote-ref" role="doc-noteref">2</a></sup>',
            ('<div class="footnotes" role="doc-endnotes"><hr><ol><li id="fn:1" role="doc-endnote"><p>Council '
            'minutes. <a href="#fnref:1" class="footnote-backref" role="doc-backlink">↩︎</a></p></li>'
            '<li id="fn:2"><p>Budget 2026. <a href="#fnref:2" role="doc-backlink">↩︎</a></p></li></ol></div>'),
            ["1", "2"], ("Monday.[1]", "by 2028.[2]"),
        ),
        (  # a notes group next to the references: [n 1] and letters
            '<sup class="reference"><a href="#cite_note-n1">[n 1]</a></sup>',
            '<sup class="reference"><a href="#cite_note-b">[a]</a></sup>',
            ('<h2>Notes</h2><ol class="references"><li id="cite_note-n1">A note.</li><li id="cite_note-n2">'
            'Another.</li></ol><h2>Other notes</h2><ol class="references"><li id="cite_note-b">Lettered.</li>'
            '<li id="cite_note-c">Next.</li></ol>'),
            ["n 1", "n 2", "a", "b"], ("Monday.[n 1]", "by 2028.[a]"),
        ),
    ],
)
def test_note_links_become_markers_and_their_lists_the_references(
    m1: str, m2: str, notes: str, ids: list[str], ends: tuple[str, str]
) -> None:
    article = page_article(page(BODY.format(m1=m1, m2=m2) + notes).encode(), "p.html")
    assert [r.id for r in article.references] == ids
    assert all(r.title and "^" not in r.title and "↩" not in r.title for r in article.references)
    sentences = sentences_of(article)
    assert sentences[0].endswith(ends[0]) and any(s.endswith(ends[1]) for s in sentences)
    assert not any("Council minutes" in p or "Lettered" in p for p in article.paragraphs)


def test_a_superscript_that_is_not_a_note_stays_text() -> None:
    body = BODY.format(m1=" It covers 40 km<sup>2</sup> of streets.", m2="")
    article = page_article(page(body).encode(), "p.html")
    assert "It covers 40 km2 of streets." in article.paragraphs[0] and article.references == ()


def test_the_digest_of_a_page_lists_the_cited_references_and_links_its_markers() -> None:
    result = run("digest", "--to", "none", "--ratio", "0.99", str(PAGE))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert [r["id"] for r in out["references"]] == ["1", "2", "3", "4"]
    assert out["headline"] == "Minsk opens its fourth metro line after six years of work"
    html = run("digest", "--to", "none", "--ratio", "0.99", "--format", "html", str(PAGE)).stdout
    assert '<a href="#ref-2" title="references 2">[2]</a>' in html and '<td id="ref-2" lang="en">' in html


def test_a_page_on_standard_input_is_sniffed_and_text_is_still_text() -> None:
    data = PAGE.read_bytes()
    sniffed = run("summarize", "-n", "1", "-", stdin=data)
    assert sniffed.exit_code == 0 and sniffed.stdout.startswith("Minsk opened the first six stations")
    forced = run("summarize", "--input-format", "text", "--source-lang", "en", "-n", "50", "-", stdin=data)
    assert forced.exit_code == 0 and "<sup id=" in forced.stdout  # the markup itself, read as text


def test_the_public_reader_gives_the_plain_article_text() -> None:
    document = read_document(PAGE.read_bytes(), "page.html")
    assert document.format == "html"
    assert document.text.startswith("Minsk opens its fourth metro line after six years of work\n\nMinsk opened")
    assert "\n\nReferences:\n[1] Minsk Metro" in document.text
    assert read_document(b"Head\nBody one. Body two.\n", "a.txt").article.headline == "Head"


# ------------------------------------------------------------------ bad pages


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("<html><head><script>var app = 1;</script></head><body><div id='root'></div></body></html>",
         "no main text found: the page holds no text"),
        (page("<ul><li><a href='/1'>Home</a></li><li><a href='/2'>Login</a></li></ul>"),
         "no main text found: its .* characters of text look like navigation"),
    ],
)
def test_a_page_without_main_text_is_refused_naming_why(markup: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        page_article(markup.encode(), "p.html")
    result = run("digest", "--to", "none", "-", stdin=markup.encode())
    assert result.exit_code == 3 and result.stdout == "" and "no main text found" in result.stderr


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"  # a photo's first bytes: its first NUL at offset 8
NOTES_PART = b'<?xml version="1.0" encoding="UTF-8"?><w:notes>Trams\x00\x01</w:notes>'
JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "content_text": "Trams\x00"}]}'


@pytest.mark.parametrize(
    ("name", "data", "command", "part", "offset"),
    [
        ("photo.txt", PNG, ("digest", "--to", "none"), "", 8),  # text input: the error every reader gives
        ("photo.html", PNG, ("translate", "--to", "ru"), "", 8),  # the page's markup translated
        ("photo.html", PNG, ("translate", "--to", "ru", "--no-markup"), "", 8),
        ("photo.html", PNG, ("digest", "--to", "none"), "", 8),
        ("photo.rss", PNG, ("digest", "--to", "none"), "", 8),
        ("items.json", JSON_FEED, ("digest", "--to", "none"), "", JSON_FEED.index(b"\x00")),
        ("page.html", "<p>Trams run\x00</p>".encode("utf-16"), ("digest", "--to", "none"), "", 26),  # after a BOM
        # a Word file's XML part
        ("letter.docx", "docx", ("digest", "--to", "none"), ": word/notes.xml", NOTES_PART.index(b"\x00")),
    ],
)
def test_bytes_that_are_not_text_are_refused_by_every_reader_as_text_input_is(
    tmp_path: Path, name: str, data: bytes | str, command: tuple[str, ...], part: str, offset: int
) -> None:
    if data == "docx":
        data = build_docx([["Trams run."]], extra={"word/notes.xml": NOTES_PART})
    assert isinstance(data, bytes)
    path = tmp_path / name
    path.write_bytes(data)
    result = run(*command, str(path))
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr == f"Error: {path}{part}: binary data (NUL byte at offset {offset}), expected UTF-8 text\n"


def test_a_50_mb_page_is_refused_before_parsing() -> None:
    data = page(BODY.format(m1="", m2="") + "<p>" + "x" * (50 * 1024 * 1024) + "</p>").encode()
    start = time.monotonic()
    result = run("digest", "--to", "none", "--input-format", "html", "-", stdin=data)
    assert result.exit_code == 3 and result.stdout == ""
    assert "the page is larger than the 16,777,216-byte limit" in result.stderr
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("depth", [200, 300, 50_000])
def test_a_deeply_nested_page_is_read_whole_or_refused(depth: int) -> None:
    deep = "<div>" * depth + BODY.format(m1="", m2="") + "</div>" * depth
    start = time.monotonic()
    if depth < 250:
        assert any("forty new trams" in p for p in page_article(page(deep).encode(), "deep.html").paragraphs)
    else:
        with pytest.raises(InputError, match="deep.html: the page nests its elements more than 255 deep"):
            page_article(page(deep).encode(), "deep.html")
    assert time.monotonic() - start < 30


def test_reading_a_page_fetches_nothing(network_attempts: list[Any]) -> None:
    head = (
        "<link rel='stylesheet' href='http://example.org/a.css'><script src='http://example.org/a.js'></script>"
        "<!DOCTYPE html SYSTEM 'http://example.org/html.dtd'>"
    )
    body = BODY.format(m1="", m2="") + "<img src='http://example.org/a.png'><iframe src='http://example.org/x'></iframe>"
    page_article(page(body, head).encode(), "p.html")
    read_feed(b"<!DOCTYPE rss SYSTEM 'http://example.org/rss.dtd'>" + RSS.read_bytes().split(b"?>", 1)[1], "f.xml")
    assert network_attempts == []


# ------------------------------------------------------------------ translation of a page


def test_translate_keeps_a_pages_markup_or_translates_its_main_text(install_packages: Any) -> None:
    install_packages("echo-en_ru")
    kept = run("translate", "--to", "ru", str(PAGE))
    assert kept.exit_code == 0, kept.stderr
    source = PAGE.read_text(encoding="utf-8")
    tags = [p.value for p in split_markup(source) if not p.text]
    assert [p.value for p in split_markup(kept.stdout) if not p.text] == tags
    assert '<sup id="cite_ref-2" class="reference"><a href="#cite_note-2">[2]</a></sup>' in kept.stdout
    text = run("translate", "--to", "ru", "--no-markup", str(PAGE))
    assert text.exit_code == 0, text.stderr
    assert "<" not in text.stdout and "[2][3]" in text.stdout and "References:" in text.stdout
    # --format json: the translation record of the page's text nodes, the translated page a field of it
    record = run("translate", "--to", "ru", "--format", "json", str(PAGE))
    assert record.exit_code == 0, record.stderr
    found = json.loads(record.stdout)
    assert found["page"] == kept.stdout and found["route"] == "en→ru"
    sentences = [s["text"] for paragraph in found["paragraphs"] for s in paragraph]
    assert [s for s in sentences if s in source] == sentences and any("[2]" in s for s in sentences)
    markdown = run("translate", "--to", "ru", "--format", "markdown", str(PAGE))  # a page has no Markdown form
    assert markdown.exit_code == 2 and markdown.stdout == "" and "add --no-markup" in markdown.stderr


@pytest.mark.parametrize(
    ("markup", "replaced", "expected"),
    [
        ("<p>a &amp; b</p>", {1: "x < y"}, "<p>x &lt; y</p>"),
        ('<meta charset="windows-1251"><p>t</p>', {}, '<meta charset="utf-8"><p>t</p>'),
        ("<script>if (a < b) {}</script><p>t</p>", {4: "u"}, "<script>if (a < b) {}</script><p>u</p>"),
        ("<!-- c --><p>t</p>", {}, "<!-- c --><p>t</p>"),
    ],
)
def test_markup_pieces_join_back_with_text_replaced(markup: str, replaced: dict[int, str], expected: str) -> None:
    assert join_markup(split_markup(markup), replaced) == expected


@pytest.mark.parametrize(
    ("markup", "texts"),
    [
        ("<P class=x>Minsk</P >", ["Minsk"]),  # upper case and spaces in tags, as written
        ('<?xml version="1.0"?><p>Minsk &amp; Brest [1].</p>', ["Minsk & Brest [1]."]),
        ("<p>Minsk opened a line [1]. <![CDATA[x < y && z]]> It runs daily.</p>",
         ["Minsk opened a line [1]. ", " It runs daily."]),
        ("<p>a<script>if (a < b) { c(); }</script>b</p><style>p>b{}</style>", ["a", "b"]),
        ("<p>Minsk [1].<?php echo 1; ?></p><!-- note --><!DOCTYPE x>", ["Minsk [1]."]),
        ("<p>If a < b, trams run.</p>", ["If a < b, trams run."]),  # one sentence, not three pieces
        ("<p>Trams &nbsp;run &#8212; daily</p>", ["Trams \xa0run \u2014 daily"]),
        ("<p>Trams run.</p><!-- unfinished", ["Trams run."]),  # what the parser gives back unfinished is markup
        ("<p>Trams run <b", ["Trams run "]),
        ("Plain text, no markup.", ["Plain text, no markup."]),
    ],
)
def test_markup_is_cut_from_the_page_itself(markup: str, texts: list[str]) -> None:
    pieces = split_markup(markup)
    assert [p.value for p in pieces if p.text] == texts
    assert join_markup(pieces, utf8=False) == markup  # byte for byte, entities as written
    assert "".join(p.source for p in pieces) == markup


def test_translate_keeps_markup_byte_for_byte(tmp_path: Path, install_packages: Any) -> None:
    install_packages("echo-en_ru")
    markup = (
        '<?xml version="1.0"?>\n<HTML><BODY><P CLASS=lead>Minsk opened a tram line [1].</P >'
        "<p>It runs <![CDATA[x < y]]> daily.<?php echo 1; ?></p><!-- note --></BODY></HTML>"
    )
    (tmp_path / "page.html").write_text(markup, encoding="utf-8")
    done = run("translate", "--to", "ru", "--source-lang", "en", str(tmp_path / "page.html"))
    assert done.exit_code == 0, done.stderr
    assert done.stdout.rstrip("\n") == markup  # the echo test model gives the text back


@pytest.mark.parametrize(
    "code",
    [
        # a tag holding ``<meta`` 200,000 times: the old charset pattern scanned to the tag's end from each
        ("from polyglot_news.readers.markup import join_markup, split_markup\n"
        "join_markup(split_markup('<meta content=\"' + '<meta ' * 200_000 + '\"><p>Trams run.</p>'))"),
        # a feed holding ``<!DOCTYPE`` 200,000 times: the old pattern scanned to the feed's end from each
        ("from polyglot_news.errors import InputError\nfrom polyglot_news.readers.feeds import read_feed\n"
        "try:\n    read_feed(b'<rss>' + b'<!DOCTYPE [' * 200_000, 'f.xml')\nexcept InputError:\n    pass"),
    ],
)
def test_hostile_markup_is_read_in_linear_time(code: str) -> None:
    finishes_within(code, 60)  # minutes to hours with the old patterns; milliseconds now


# ------------------------------------------------------------------ feeds


def test_a_windows_1251_rss_feed_gives_one_article_per_item() -> None:
    items = read_feed(RSS.read_bytes(), "minsk-courier.xml")
    assert [i.id for i in items] == [
        "https://courier.example.org/transport/metro-4", "https://courier.example.org/transport/trams",
        "https://courier.example.org/city/parks",
    ]
    first = items[0]
    assert first.article is not None and first.article.headline == "В Минске открылась четвёртая линия метро"
    assert first.fields == {
        "link": "https://courier.example.org/transport/metro-4", "published": "Fri, 12 Jun 2026 10:00:00 +0300",
        "author": "desk@courier.example.org (Городская редакция)",
    }
    assert [r.id for r in first.article.references] == ["1", "2"]
    assert first.article.paragraphs[0].startswith("В пятницу в Минске открылись первые шесть станций")
    assert "метро.[1]" in first.article.paragraphs[0]


def test_an_atom_feed_and_a_json_feed_give_their_items() -> None:
    atom = read_feed(ATOM.read_bytes(), "courier-culture.xml")
    assert [(i.id, i.fields.get("author")) for i in atom] == [
        ("tag:courier.example.org,2026:culture-101", "Culture desk"),
        ("tag:courier.example.org,2026:culture-102", "Culture desk"),
    ]
    assert atom[0].article is not None and [r.id for r in atom[0].article.references] == ["1", "2"]
    feed = {
        "version": "https://jsonfeed.org/version/1.1", "title": "T",
        "items": [
            {"id": "7", "url": "https://x.org/7", "title": "Seven", "content_text": "One line. Two lines [1].",
             "date_published": "2026-06-12T09:00:00Z", "authors": [{"name": "Desk"}]},
            {"id": "8", "title": "No text"},
            "not an object",
        ],
    }
    items = read_feed(json.dumps(feed).encode(), "f.json")
    assert items[0].fields == {"link": "https://x.org/7", "published": "2026-06-12T09:00:00Z", "author": "Desk"}
    assert items[0].article is not None and items[0].article.paragraphs == ("One line. Two lines [1].",)
    assert [str(i.error) for i in items[1:]] == [
        "8: the item has no text (neither content nor description)", "f.json#3: not a JSON object",
    ]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    b"<rss><channel><item><title>&d;</title><description>&d;</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "declares XML entities"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY big "' + b"B" * 10_000 + b'">]><rss>' + b"&big;" * 5_000
         + b"</rss>", "declares XML entities"),
        ((b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "http://example.org/x">]><rss><item>'
         b"<title>&e;</title></item></rss>"), "declares XML entities"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><rss/>',
         "declares XML entities"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut', "no feed item could be read"),
        (b"x" * (33 * 1024 * 1024), "larger than the 33,554,432-byte limit"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": 3}', 'needs an "items" list'),
    ],
)
def test_hostile_or_broken_feeds_are_refused_whole(data: bytes, message: str, network_attempts: list[Any]) -> None:
    start = time.monotonic()
    with pytest.raises(InputError, match=message):
        read_feed(data, "f.xml")
    assert time.monotonic() - start < 5 and network_attempts == []


def test_a_netscape_rss_091_feed_naming_a_remote_dtd_reads_offline(network_attempts: list[Any]) -> None:
    data = (
        b'<?xml version="1.0" encoding="KOI8-R"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>T</title>'
        + "<item><title>Новости</title><description>Минск открыл метро &eacute;t&eacute;. Жители рады.</description>"
        "</item></channel></rss>".encode("koi8-r")
    )
    (item,) = read_feed(data, "old.rss")
    assert item.article is not None and item.article.headline == "Новости"
    assert item.article.paragraphs == ("Минск открыл метро été. Жители рады.",)
    assert network_attempts == []


def test_batch_reads_a_folder_of_feeds_one_record_per_item_a_broken_item_an_error(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for source in (RSS, ATOM):
        (feeds / source.name).write_bytes(source.read_bytes())
    (feeds / "broken.xml").write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Empty</title><guid>e-1</guid></item>'
        b"<item><title>Fine</title><guid>f-1</guid><description>Minsk opened a bridge on Monday. Drivers are "
        b"glad. The old one was closed.</description></item></channel></rss>"
    )
    result = run("batch", str(feeds), "--glob", "*.xml", "--to", "none", "-j", "1")
    assert result.exit_code == 7, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [
        "e-1", "f-1", "tag:courier.example.org,2026:culture-101", "tag:courier.example.org,2026:culture-102",
        "https://courier.example.org/transport/metro-4", "https://courier.example.org/transport/trams",
        "https://courier.example.org/city/parks",
    ]
    assert records[0]["error"]["message"] == "e-1: the item has no text (neither content nor description)"
    assert records[1]["feed"] == "broken.xml" and records[1]["digest"]["headline"] == "Fine"
    assert records[4]["link"] == "https://courier.example.org/transport/metro-4"
    assert [r["id"] for r in records[4]["digest"]["references"]] == ["1", "2"]


def test_batch_reads_a_feed_on_standard_input() -> None:
    result = run("batch", "--to", "none", "-j", "1", stdin=ATOM.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["feed"] for line in result.stdout.splitlines()] == ["<stdin>", "<stdin>"]


def test_a_single_article_command_sends_a_feed_to_batch() -> None:
    result = run("digest", "--to", "none", str(RSS))
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr == (
        f"Error: {RSS}: a feed of 3 items, not one article: digest them with `polyglot-news batch {RSS}`\n"
    )


def test_batch_reads_pages_and_word_files_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(PAGE.read_bytes())
    (tmp_path / "letter.docx").write_bytes(LETTER.read_bytes())
    result = run("batch", str(tmp_path), "--glob", "*.*", "--to", "none", "-j", "1")
    assert result.exit_code == 0, result.stderr
    headlines = {json.loads(line)["id"]: json.loads(line)["digest"]["headline"] for line in result.stdout.splitlines()}
    assert headlines == {
        "letter.docx": "The fourth metro line opens in Minsk",
        "page.html": "Minsk opens its fourth metro line after six years of work",
    }


# ------------------------------------------------------------------ Word files


def test_the_example_letter_is_what_the_maker_writes() -> None:
    assert LETTER.read_bytes() == letter()


def test_a_word_file_gives_footnotes_and_endnotes_as_markers_and_references() -> None:
    article = docx_article(LETTER.read_bytes(), "letter.docx")
    assert article.headline == "The fourth metro line opens in Minsk"
    sentences = sentences_of(article)
    assert any(s.endswith("two years later than first planned.[1]") for s in sentences)
    assert any(s.endswith("cost about 40 million roubles.[2]") for s in sentences)
    assert any(s.endswith("forty minutes a day.[3]") for s in sentences)
    assert any(s.endswith("around two stations [4].") for s in sentences)  # typed in the text, kept
    assert [(r.id, r.title) for r in article.references] == [
        ("1", "Minsk Metro press release, 12 June 2026."),
        ("2", "City executive committee, budget report for 2025."),
        ("3", "Estimate by the city transport department."),
        ("4", "Ministry of Emergency Situations, statement on the flooding, 2024."),
    ]
    digest = run("digest", "--to", "none", "--ratio", "0.99", str(LETTER))
    assert digest.exit_code == 0 and [r["id"] for r in json.loads(digest.stdout)["references"]] == ["1", "2", "3", "4"]


def test_a_word_file_without_a_title_has_no_headline() -> None:
    article = docx_article(build_docx([["Plain first."], ["Second paragraph is here."]]), "plain.docx")
    assert article.headline is None and article.paragraphs == ("Plain first.", "Second paragraph is here.")


def _zip(members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (build_docx([["Text."]], extra={"word/media/bomb.bin": b"\0" * (64 << 20)}), "expands .*:1, above 100:1"),
        (_zip({f"word/{i}.xml": b"<x/>" for i in range(2_100)}), "2,100 members, more than the cap of 2,000"),
        (_zip({"word/other.xml": b"<x/>"}), "not a Word .docx \\(no word/document.xml\\)"),
        (_zip({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "b">]><d>&a;</d>'}),
         "declares a DTD or entities"),
        (b"PK\x03\x04 not really a zip", "not a Word .docx file \\(not a valid zip"),
        (b"x" * (33 * 1024 * 1024), "larger than the 33,554,432-byte limit"),
    ],
)
def test_hostile_word_files_are_refused_before_unpacking(data: bytes, message: str) -> None:
    start = time.monotonic()
    with pytest.raises(InputError, match=message):
        docx_article(data, "bad.docx")
    assert time.monotonic() - start < 10


def test_a_docx_zip_bomb_on_the_command_line_is_one_error_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(build_docx([["Text."]], extra={"word/media/bomb.bin": b"\0" * (64 * 1024 * 1024)}))
    result = run("digest", "--to", "none", str(bomb))
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {bomb}: member 'word/media/bomb.bin' expands")
    assert result.stderr.count("\n") == 1


# ------------------------------------------------------------------ the pipeline takes a reader's article


def test_the_pipeline_summarizes_an_article_a_reader_built() -> None:
    article = fragment_article("<p>Minsk opened a bridge on Monday.<sup><a href='#n1'>1</a></sup> Drivers are "
                               "glad.</p><ol><li id='n1'>City press office.</li></ol>", "x", "A bridge")
    result = summarize_article(article, source_lang="en", sentences=1)
    assert [s.text for s in result.summary] == ["Minsk opened a bridge on Monday.[1]"]
    assert [r.id for r in result.references] == ["1"]
    assert article_text(article) == (
        "A bridge\n\nMinsk opened a bridge on Monday.[1] Drivers are glad.\n\nReferences:\n[1] City press office.\n"
    )


@pytest.mark.parametrize(
    ("module", "path", "message"),
    [
        ("trafilatura", PAGE, "reading web pages needs the trafilatura package, which is not installed"),
        ("mammoth", LETTER, "reading Word files needs the mammoth package, which is not installed"),
    ],
)
def test_a_missing_reader_library_is_a_usage_error_naming_the_install(
    module: str, path: Path, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # what Python sees when the package is not installed
    monkeypatch.chdir(EXAMPLES.parent)  # the checkout: its hint is `pip install -e .`
    result = run("digest", "--to", "none", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    # a core dependency: polyglot-news is installed again as it was installed (here: the checkout, `-e .`)
    reinstall = f"reinstall polyglot-news: {install_hint()}"
    assert result.stderr == f"Error: {message}; it is one of polyglot-news's own dependencies, so {reinstall}\n"
    assert install_hint() == "pip install -e ."
    assert run("digest", "--to", "none", "-", stdin=b"Minsk opened a bridge. Drivers are glad.").exit_code == 0


def test_batch_reads_json_lines_texts_as_pages_when_told() -> None:
    line = json.dumps({"id": "p1", "desk": "city", "text": PAGE.read_text(encoding="utf-8")}) + "\n"
    result = run("batch", "--input-format", "html", "--to", "none", "-j", "1", stdin=line.encode())
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["desk"] == "city"
    assert record["digest"]["headline"] == "Minsk opens its fourth metro line after six years of work"
