"""Turning results into text, JSON, Markdown or HTML (:mod:`polyglot_news.render_html`) for output.

Markdown files are often rendered (a CMS, a wiki, GitHub), so every piece of an article's text
in them is made inert first (:func:`markdown_text`): no HTML tag, no link of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from polyglot_news.document import SCHEMA, Detection, Digest, MarkupTranslation, Summary, TextTranslation, Translation
from polyglot_news.io import to_json

FORMATS: dict[str, str] = {"text": ".txt", "json": ".json", "markdown": ".md", "html": ".html"}
"""Every output format, with the extension of a file written in it (``batch --output-dir``)."""


_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_CHARS = re.compile("[&<>]")
# "[text](url)" and "[label]: url" (a reference definition, which would turn citation
# markers such as [1] into links): the "(" or ":" after "]" is backslash-escaped.
_LINK = re.compile(r"\]([(:])")


def markdown_text(text: str) -> str:
    """``text`` (article content) made inert for Markdown: HTML escaped, link syntax broken.

    ``<script>`` → ``&lt;script&gt;``, ``[x](javascript:…)`` → ``[x]\\(javascript:…)``.
    Citation markers (``[1]``) and ordinary punctuation are unchanged, and every renderer
    shows the text as written.
    """
    return _LINK.sub(r"]\\\1", _HTML_CHARS.sub(lambda m: _HTML[m.group()], text))


def detection(found: Detection, fmt: str) -> str:
    """``en<TAB>0.9999<TAB>reason`` as text; an object as JSON or Markdown."""
    if fmt == "json":
        return to_json(found.to_dict())
    if fmt == "markdown":
        return f"**Language:** {found.language} (confidence {found.confidence:.2f}, {found.reason})\n"
    return f"{found.language}\t{found.confidence:.4f}\t{found.reason}\n"


def summary(result: Summary, fmt: str) -> str:
    """The summary sentences alone: one a line, a Markdown list, or JSON objects."""
    if fmt == "json":
        return to_json(
            {
                "schema": SCHEMA,
                "source": result.source.to_dict(),
                "summary": [s.to_dict() for s in result.summary],
            }
        )
    return _sentences([s.text for s in result.summary], fmt)


def digest(
    result: Digest, fmt: str, *, licences: Mapping[str, str | None] | None = None, notes: bool = False
) -> str:
    """The whole digest; JSON follows ``data/schemas/digest-v1.schema.json`` (docs/reference/output-schema.md).

    HTML is one self-contained page (:mod:`polyglot_news.render_html`) naming each model's
    licence; ``licences`` (model name → licence) fills in for models that carry none.
    With ``notes``, text, Markdown and HTML carry the digest's notes too (a Notes section at
    the end; a notes block under the page's heading): for a reader who sees no standard
    error, as the server's answers have none (the command line prints them there).
    """
    if fmt == "json":
        return to_json(result.to_dict())
    if fmt == "html":
        from polyglot_news.render_html import digest_html

        return digest_html(result, licences=licences, notes=notes)
    parts: list[str] = []
    if result.headline:
        parts.append(f"# {markdown_text(result.headline)}\n" if fmt == "markdown" else f"{result.headline}\n")
    parts.append(_sentences([s.text for s in result.summary], fmt))
    if result.references:
        parts.append(_references([(r.id, r.title) for r in result.references], fmt))
    parts += [_translation(lang, entry, fmt) for lang, entry in result.translations.items()]
    if notes and result.notes:
        parts.append(_notes(result.notes, fmt))
    return "\n".join(parts)


def _notes(notes: tuple[str, ...], fmt: str) -> str:
    """The notes the command line prints on stderr (``Note: …``), as a section of the output."""
    if fmt == "markdown":
        return "## Notes\n\n" + "".join(f"- {markdown_text(note)}\n" for note in notes)
    return "".join(f"Note: {note}\n" for note in notes)


def _translation(lang: str, entry: Translation, fmt: str) -> str:
    """One ``translations.<lang>`` entry as a section: title line, headline, summary, references."""
    if entry.error is not None:
        title = f"[{lang}] not translated: {entry.error}"
        return f"## {markdown_text(title)}\n" if fmt == "markdown" else f"=== {title}\n"
    if not entry.models:  # the article is in this language already: said once, not printed again
        title = f"[{lang}] the article is already in {lang}: no translation needed"
        return f"## {markdown_text(title)}\n" if fmt == "markdown" else f"=== {title}\n"
    test = " — TEST MODEL, not a translation" if entry.test_model else ""
    title = f"[{lang}] {entry.route}{test}"
    lines = [f"## {title}\n" if fmt == "markdown" else f"=== {title}\n"]
    if entry.headline:
        lines.append(f"**{markdown_text(entry.headline)}**\n" if fmt == "markdown" else f"{entry.headline}\n")
    for part in (entry.summary, entry.full):
        if part is not None:
            lines.append(_sentences([s.text for s in part], fmt))
    if entry.references:
        lines.append(_references([(r.id, r.title) for r in entry.references], fmt, level="###"))
    return "\n".join(lines)


def _sentences(texts: list[str], fmt: str) -> str:
    if fmt == "markdown":
        return "".join(f"- {markdown_text(text)}\n" for text in texts)
    return "".join(f"{text}\n" for text in texts)


def _references(references: list[tuple[str, str]], fmt: str, level: str = "##") -> str:
    if fmt == "markdown":
        return f"{level} References\n\n" + "".join(
            f"{markdown_text(ref_id)}. {markdown_text(title)}\n" for ref_id, title in references
        )
    return "References:\n" + "".join(f"[{ref_id}] {title}\n" for ref_id, title in references)


def translation(result: TextTranslation | MarkupTranslation, fmt: str) -> str:
    """Translated text as lines (text, Markdown), or sentences with markers and flags (JSON).

    A translated web page is the page itself (``text``), or in JSON the record of its text
    nodes (a paragraph each) with the page as ``page``; it has no Markdown form.

    Raises:
        ValueError: ``markdown`` for a translated page.
    """
    page = None
    if isinstance(result, MarkupTranslation):
        if fmt == "markdown":
            raise ValueError("a translated page is HTML: it has no Markdown form (its main text has)")
        if fmt != "json":
            return result.page
        page = result.page
        result = result.text
    if fmt == "markdown":
        return markdown_text(result.text) + "\n"
    if fmt != "json":
        return result.text + "\n"
    flags = iter(t.flags for t in result.results)
    terms = iter(result.terms)
    record = {
        "source": result.source.to_dict(),
        "target": result.target,
        "route": result.route,
        "paragraphs": [
            [
                s.to_dict() | {"flags": list(next(flags)), "glossary": [h.to_dict() for h in next(terms)]}
                for s in paragraph
            ]
            for paragraph in result.paragraphs
        ],
        "signature": result.signature,
    }
    return to_json(record if page is None else record | {"page": page})
