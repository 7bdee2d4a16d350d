"""The digest pipeline: parse → detect → segment → summarize (→ translate), no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .detect import MODEL_VERSION, detect
from .document import Article, Detection, Digest, Reference, Sentence
from .errors import DetectionError, PolyglotNewsError
from .models import list_packages
from .parse import parse_article
from .routing import describe, find_route
from .segment import Tokenizer, split_sentences
from .summarize import DEFAULT_METHOD, summarize
from .translate import DecodeOptions, Translator, build_translator

DEFAULT_TARGETS = ("ru", "be")
"""Languages ``digest`` translates into when no target is named (those with an installed route)."""

PARTS = ("headline", "summary", "references", "full")
"""What ``digest`` can translate: ``full`` is every body sentence."""

DEFAULT_PARTS = ("headline", "summary", "references")

_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class Summary:
    """A summarized article: its parts, the language decision and the chosen sentences."""

    article: Article
    source: Detection
    sentences: tuple[Sentence, ...]
    summary: tuple[Sentence, ...]
    length: str


@dataclass(frozen=True)
class TranslationRequest:
    """Which languages and parts to translate, with which models and decoding options.

    ``targets=None`` means the default targets (:data:`DEFAULT_TARGETS`) that have an
    installed route; the others are skipped with a note. Named targets without a route get
    an ``error`` entry instead of a translation.
    """

    targets: tuple[str, ...] | None = None
    parts: tuple[str, ...] = DEFAULT_PARTS
    models: Path | None = None
    options: DecodeOptions = field(default_factory=DecodeOptions)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.parts) - set(PARTS))
        if unknown:
            raise ValueError(f"cannot translate {', '.join(unknown)}: choose from {', '.join(PARTS)}")
        for code in self.targets or ():
            _check_code(code, "--to")


def detect_language(text: str) -> Detection:
    """Detect the language of an article's headline and body (references and boilerplate ignored)."""
    article = parse_article(text)
    return detect(_article_text(article))


def summarize_article(
    text: str,
    *,
    source_lang: str | None = None,
    method: str = DEFAULT_METHOD,
    sentences: int | None = None,
    ratio: float | None = None,
) -> Summary:
    """Parse, detect (unless ``source_lang`` is given) and summarize an article.

    Raises:
        DetectionError: the language cannot be determined and ``source_lang`` was not given.
        ValueError: a bad ``source_lang``, ``method``, ``sentences`` or ``ratio``.
    """
    article = parse_article(text)
    source = _source_language(article, source_lang)
    body = split_sentences(article.paragraphs, source.language)
    if not body:
        raise DetectionError("the article has no body sentences to summarize")
    tokenizer = Tokenizer(source.language)
    chosen = summarize(
        [s.plain for s in body], source.language, tokenizer, method=method, count=sentences, ratio=ratio
    )
    length = f"r{ratio:g}" if ratio is not None else str(len(chosen))
    return Summary(article, source, tuple(body), tuple(body[i] for i in chosen), length)


def digest(
    text: str,
    *,
    source_lang: str | None = None,
    method: str = DEFAULT_METHOD,
    sentences: int | None = None,
    ratio: float | None = None,
    translation: TranslationRequest | None = None,
) -> Digest:
    """Summarize an article, translate it if asked, and return a :class:`Digest`.

    Translation problems of one target (no route, a broken package) do not stop the others:
    they land in ``Digest.errors`` and as ``translations[lang]["error"]``.
    """
    result = summarize_article(text, source_lang=source_lang, method=method, sentences=sentences, ratio=ratio)
    references = cited_references(result.summary, result.article.references)
    sign = signature(result.source, method, result.length)
    if translation is None:
        return Digest(result.source, result.article.headline, result.summary, references, sign)
    translations, notes, errors, mt = _translate_digest(result, references, translation)
    return Digest(
        source=result.source,
        headline=result.article.headline,
        summary=result.summary,
        references=references,
        signature="|".join([sign, *mt]),
        translations=translations,
        notes=tuple(notes),
        errors=tuple(errors),
    )


def translate_sentences(
    sentences: Sequence[Sentence], source: str, target: str, *, models: Path | None = None,
    options: DecodeOptions | None = None,
) -> tuple[list[Any], str, str]:
    """Translate sentences along the best installed route.

    Returns:
        The ``Translated`` results, the route (``en→ru→be``) and the translator's signature.

    Raises:
        RouteError: no installed route from ``source`` to ``target``.
    """
    route = find_route(source, target, list_packages(models))
    if not route:
        return [], source, "identity"
    translator = build_translator([p.path for p in route], options or DecodeOptions())
    return translator.translate(list(sentences)), describe(route), translator.signature()


@dataclass(frozen=True)
class TextTranslation:
    """Arbitrary text translated sentence by sentence, its line structure kept."""

    source: Detection
    target: str
    route: str
    paragraphs: tuple[tuple[Sentence, ...], ...]
    flags: tuple[tuple[str, ...], ...]
    signature: str

    @property
    def text(self) -> str:
        return "".join(" ".join(s.text for s in paragraph) + "\n" for paragraph in self.paragraphs)


def translate_text(
    text: str, target: str, *, source_lang: str | None = None, models: Path | None = None,
    options: DecodeOptions | None = None,
) -> TextTranslation:
    """Translate any text (each line a paragraph) into ``target``, markers kept in place.

    Raises:
        DetectionError: the language cannot be determined and ``source_lang`` was not given.
        RouteError: no installed route from the source language to ``target``.
    """
    target = _check_code(target, "--to")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    source = _source_language(Article(None, tuple(lines)), source_lang)
    paragraphs = [split_sentences([line], source.language) for line in lines]
    flat = [s for paragraph in paragraphs for s in paragraph]
    done, route, sign = translate_sentences(flat, source.language, target, models=models, options=options)
    out = iter([t.sentence for t in done] if done else flat)
    flags = [t.flags for t in done] if done else [() for _ in flat]
    return TextTranslation(
        source=source,
        target=target,
        route=route,
        paragraphs=tuple(tuple(next(out) for _ in paragraph) for paragraph in paragraphs),
        flags=tuple(flags),
        signature=f"{signature(source, 'none', '0').split('|sum:')[0]}|mt:{target}={sign}|v:{__version__}",
    )


def _translate_digest(
    result: Summary, references: tuple[Reference, ...], request: TranslationRequest
) -> tuple[dict[str, dict[str, Any]], list[str], list[PolyglotNewsError], list[str]]:
    source = result.source.language
    packages = list_packages(request.models)
    targets = request.targets if request.targets is not None else DEFAULT_TARGETS
    translations: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    errors: list[PolyglotNewsError] = []
    mt: list[str] = []
    units = _units(result, references, request.parts)
    for target in dict.fromkeys(targets):
        try:
            route = find_route(source, target, packages)
            translator: Translator | None = (
                build_translator([p.path for p in route], request.options) if route else None
            )
        except PolyglotNewsError as error:
            if request.targets is None:
                notes.append(f"not translated into {target}: {error}")
            else:
                errors.append(error)
                translations[target] = {"error": str(error)}
            continue
        done = translator.translate([s for _, s in units]) if translator else []
        translations[target] = _assemble(units, done, route, result.source.language)
        mt.append(f"mt:{target}={translator.signature() if translator else 'identity'}")
    return translations, notes, errors, mt


def _units(
    result: Summary, references: tuple[Reference, ...], parts: tuple[str, ...]
) -> list[tuple[str, Sentence]]:
    """Every sentence to translate, tagged with its part: all go to the model in one batch."""
    units: list[tuple[str, Sentence]] = []
    if "headline" in parts and result.article.headline:
        units += [("headline", s) for s in split_sentences([result.article.headline], result.source.language)]
    if "summary" in parts:
        units += [("summary", s) for s in result.summary]
    if "references" in parts:
        units += [(f"reference:{r.id}", Sentence(r.title)) for r in references]
    if "full" in parts:
        units += [("full", s) for s in result.sentences]
    return units


def _assemble(
    units: list[tuple[str, Sentence]], done: list[Any], route: list[Any], source: str
) -> dict[str, Any]:
    """The ``translations.<lang>`` object of the digest JSON."""
    translated = [t.sentence for t in done] if done else [s for _, s in units]
    out: dict[str, Any] = {
        "route": describe(route) or f"{source} (no translation needed)",
        "models": [
            {"name": p.name, "pair": p.pair, "version": p.version, "origin": p.origin} for p in route
        ],
    }
    headline = [s.text for (part, _), s in zip(units, translated) if part == "headline"]
    if headline:
        out["headline"] = " ".join(headline)
    for part in ("summary", "full"):
        if any(p == part for p, _ in units):
            out[part] = [s.to_dict() for (p, _), s in zip(units, translated) if p == part]
    refs = [
        {"id": p.split(":", 1)[1], "title": s.text}
        for (p, _), s in zip(units, translated)
        if p.startswith("reference:")
    ]
    if any(p.startswith("reference:") for p, _ in units):
        out["references"] = refs
    out["flags"] = [
        {"part": part.split(":")[0], "index": source_sentence.index, "flags": list(t.flags)}
        | ({"id": part.split(":", 1)[1]} if part.startswith("reference:") else {})
        for (part, source_sentence), t in zip(units, done)
        if t.flags
    ]
    return out


def cited_references(summary: tuple[Sentence, ...], references: tuple[Reference, ...]) -> tuple[Reference, ...]:
    """The references the summary cites, in the order of the reference list."""
    cited = {ref for sentence in summary for marker in sentence.markers for ref in marker.refs}
    return tuple(r for r in references if r.id in cited)


def signature(source: Detection, method: str, length: str) -> str:
    """A sacrebleu-style string naming everything that shaped the output."""
    det = "given" if source.reason == "given" else f"langdetect-{_version('langdetect')}+cyr{MODEL_VERSION}-s0"
    return "|".join(
        [
            f"det:{det}",
            "seg:v1",
            f"sum:{method}-{length}",
            f"sumy:{_version('sumy')}",
            f"v:{__version__}",
        ]
    )


def _source_language(article: Article, source_lang: str | None) -> Detection:
    if source_lang is not None:
        return Detection(_check_code(source_lang, "--source-lang"), 1.0, "given")
    found = detect(_article_text(article))
    if found.language == "und":
        raise DetectionError(
            f"cannot tell the article's language ({found.reason}); pass --source-lang CODE to set it"
        )
    return found


def _check_code(code: str, option: str) -> str:
    clean = code.strip().lower()
    if not _LANG_CODE.match(clean):
        raise ValueError(f"{option} takes language codes like 'en' or 'be', not {code!r}")
    return clean


def _article_text(article: Article) -> str:
    return "\n".join(([article.headline] if article.headline else []) + list(article.paragraphs))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
