"""Plain data: the article, its sentences, their citation markers, and what a digest returns.

This module imports nothing from its siblings; every other module speaks in these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Marker:
    """One citation marker as it stood in the source, e.g. ``[1]``, ``[1, 4]``, ``[4]–[7]``.

    The marker is anchored at ``offset`` in its sentence's *plain* text (the text with all
    markers removed), so the summarizer and the translator never see it. ``lead`` is what
    separated it from the text (or from the previous marker) in the source: ``""``, ``" "``,
    ``", "``. Several markers may share one offset; their order in the sentence is kept.
    """

    text: str
    refs: tuple[str, ...]
    offset: int
    lead: str = ""

    def to_dict(self, start: int) -> dict[str, Any]:
        return {"text": self.text, "refs": list(self.refs), "start": start}


@dataclass(frozen=True)
class Verbatim(Marker):
    """A bracket group that is text, not a citation (``[sic]``, ``x[1]``, ``F[1,12]``).

    It belongs to ``Sentence.plain``. Only while a sentence is being translated is it held
    out of the model like a marker (``citations.hold_out``), then put back into the text
    (``citations.put_back``): it never appears among a result's markers, nor in the JSON.
    """


@dataclass(frozen=True)
class Sentence:
    """A body sentence: its plain text, its markers and its position in the body (0-based)."""

    plain: str
    markers: tuple[Marker, ...] = ()
    index: int = 0

    @property
    def text(self) -> str:
        """The sentence as a reader sees it, markers back where they stood."""
        return self.render()[0]

    def render(self) -> tuple[str, list[int]]:
        """Return the text with markers inserted, and each marker's start offset in it."""
        out: list[str] = []
        starts: list[int] = []
        cursor = 0
        length = 0
        for marker in self.markers:
            chunk = self.plain[cursor : marker.offset]
            out.append(chunk)
            length += len(chunk)
            out.append(marker.lead)
            length += len(marker.lead)
            starts.append(length)
            out.append(marker.text)
            length += len(marker.text)
            cursor = marker.offset
        out.append(self.plain[cursor:])
        return "".join(out), starts

    def to_dict(self) -> dict[str, Any]:
        text, starts = self.render()
        return {
            "text": text,
            "markers": [m.to_dict(s) for m, s in zip(self.markers, starts, strict=False)],
            "index": self.index,
        }


@dataclass(frozen=True)
class Reference:
    """One numbered entry of the article's reference list."""

    id: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title}


@dataclass(frozen=True)
class Article:
    """An article split into its parts. Only ``paragraphs`` (the body) may enter a summary."""

    headline: str | None
    paragraphs: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    boilerplate: tuple[str, ...] = ()


GIVEN = "given"
"""The :class:`Detection` reason of a source language the caller gave (no detector ran)."""


@dataclass(frozen=True)
class Detection:
    """A language decision: an ISO 639-1 code (or ``und``), a confidence in [0, 1], and why."""

    language: str
    confidence: float
    reason: str
    detector: str = "langdetect"  # the general-purpose detector that was used (in the signature)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "confidence": round(self.confidence, 4),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Summary:
    """A summarized article: its parts, the language decision, every body sentence, the chosen ones."""

    article: Article
    source: Detection
    sentences: tuple[Sentence, ...]
    summary: tuple[Sentence, ...]
    length: str
    references: tuple[Reference, ...] = ()
    """The references the summary cites, in the order of the article's reference list."""


@dataclass(frozen=True)
class GlossaryHit:
    """One glossary term of a sentence's source: ``hit``, ``fixed`` or ``miss`` in its translation."""

    term: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "status": self.status}


@dataclass(frozen=True)
class ModelUsed:
    """One package of a translation route, as the digest names it."""

    name: str
    pair: str
    version: str
    origin: str
    test_model: bool
    identity: str = ""
    """``MODEL@SHA8``: the model's name and the start of its model.bin's sha256, as in the signature."""
    license: str | None = None
    """The licence its ``metadata.json`` states (``None``: not stated); shown by the HTML page."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pair": self.pair,
            "version": self.version,
            "origin": self.origin,
            "identity": self.identity,
            "test_model": self.test_model,
        }


@dataclass(frozen=True)
class Translated:
    """One translated sentence (same index, markers placed) and the guard's flags for it."""

    sentence: Sentence
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """Where a translated sentence sits: its part and index, or the id of the reference it titles."""

    part: str
    index: int = 0
    ref_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.ref_id is not None:
            return {"part": self.part, "id": self.ref_id}
        return {"part": self.part, "index": self.index}


@dataclass(frozen=True)
class Translation:
    """One target language of a digest (``translations.LANG``), or the error that stopped it."""

    route: str = ""
    models: tuple[ModelUsed, ...] = ()
    headline: str | None = None
    summary: tuple[Sentence, ...] | None = None
    full: tuple[Sentence, ...] | None = None
    references: tuple[Reference, ...] | None = None
    flags: tuple[tuple[Place, tuple[str, ...]], ...] = ()
    """The guard's flags per flagged sentence."""
    glossary: tuple[tuple[Place, tuple[GlossaryHit, ...]], ...] | None = None
    """Glossary terms per sentence that has any (``None``: no glossary was used)."""
    error: str | None = None

    @property
    def test_model(self) -> bool:
        return any(m.test_model for m in self.models)

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {"error": self.error}
        out: dict[str, Any] = {"route": self.route, "models": [m.to_dict() for m in self.models]}
        if self.headline is not None:
            out["headline"] = self.headline
        if self.summary is not None:
            out["summary"] = [s.to_dict() for s in self.summary]
        if self.full is not None:
            out["full"] = [s.to_dict() for s in self.full]
        if self.references is not None:
            out["references"] = [r.to_dict() for r in self.references]
        out["flags"] = [{**place.to_dict(), "flags": list(flags)} for place, flags in self.flags]
        if self.glossary is not None:
            out["glossary"] = [
                {**place.to_dict(), "terms": [hit.to_dict() for hit in hits]} for place, hits in self.glossary
            ]
        return out


@dataclass(frozen=True)
class Digest:
    """What ``polyglot_news.digest()`` returns: detection, headline, summary and references."""

    source: Detection
    headline: str | None
    summary: tuple[Sentence, ...]
    references: tuple[Reference, ...]
    signature: str
    translations: dict[str, Translation] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """Messages for the user (e.g. default targets skipped for want of a model); not data."""
    errors: tuple[Exception, ...] = ()
    """Failures of explicitly requested targets; their ``translations`` entry holds the message."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "source": self.source.to_dict(),
            "headline": self.headline,
            "summary": [s.to_dict() for s in self.summary],
            "references": [r.to_dict() for r in self.references],
            "signature": self.signature,
        }
        if self.translations:
            out["translations"] = {lang: t.to_dict() for lang, t in self.translations.items()}
        return out


@dataclass(frozen=True)
class TextTranslation:
    """What ``polyglot_news.translate_text()`` returns: text translated sentence by sentence, lines kept."""

    source: Detection
    target: str
    route: str
    paragraphs: tuple[tuple[Sentence, ...], ...]
    results: tuple[Translated, ...]
    terms: tuple[tuple[GlossaryHit, ...], ...]
    signature: str
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The translation, one line per paragraph (blank lines kept), with no newline added at the end."""
        return "\n".join(" ".join(s.text for s in paragraph) for paragraph in self.paragraphs)


@dataclass(frozen=True)
class MarkupTranslation:
    """A web page translated with its markup kept: the page, and the translation of its text nodes."""

    page: str
    text: TextTranslation



SCHEMA = "polyglot-news/digest/v1"
