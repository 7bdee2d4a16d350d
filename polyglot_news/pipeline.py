"""The digest pipeline: parse → detect → segment → summarize (→ translate), no I/O."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from polyglot_news import signature as signatures
from polyglot_news.document import Article, Detection, Digest, GlossaryHit, Reference, Sentence, Summary
from polyglot_news.errors import DetectionError, InputError
from polyglot_news.langid.detector import detect
from polyglot_news.languages import DEFAULT_DETECTOR, check_language_code
from polyglot_news.parse import parse_article
from polyglot_news.segment import Tokenizer, split_sentences
from polyglot_news.signature import Signature
from polyglot_news.summarize.extract import summarize
from polyglot_news.summarize.methods import DEFAULT_METHOD
from polyglot_news.summarize.request import SummaryRequest
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import Translated
from polyglot_news.translation.glossary import Glossary
from polyglot_news.translation.request import TranslationRequest
from polyglot_news.translation.sentences import translate_sentences
from polyglot_news.translation.summaries import Outcome, translate_summaries


def detect_language(text: str, *, detector: str = DEFAULT_DETECTOR) -> Detection:
    """Detect the language of an article's headline and body (references and boilerplate ignored).

    ``detector`` is ``langdetect`` (default) or ``lingua`` (the optional extra).
    """
    article = parse_article(text)
    return detect(_article_text(article), detector=detector)


def summarize_article(
    text: str,
    *,
    source_lang: str | None = None,
    method: str = DEFAULT_METHOD,
    sentences: int | None = None,
    ratio: float | None = None,
    detector: str = DEFAULT_DETECTOR,
    summary: SummaryRequest | None = None,
) -> Summary:
    """Parse, detect (unless the source language is given) and summarize an article.

    ``summary`` says how (method, length, source language, detector); the loose keywords build
    one instead, for callers that predate it. Give one or the other.

    Raises:
        InputError: the article has no body text (only a headline, references or boilerplate).
        DetectionError: the language cannot be determined and ``source_lang`` was not given.
        ValueError: a bad ``source_lang``, ``method``, ``sentences`` or ``ratio``, or both a
            ``summary`` and loose keywords.
    """
    request = SummaryRequest.of(
        summary, method=method, sentences=sentences, ratio=ratio, source_lang=source_lang, detector=detector
    )
    article = parse_article(text)
    if not any(p.strip() for p in article.paragraphs):
        raise InputError("the article has no body text to summarize (only a headline, references or boilerplate)")
    source = _source_language(article, request.source_lang, request.detector)
    body = split_sentences(article.paragraphs, source.language)
    if not body:
        raise InputError("the article has no body sentences to summarize")
    tokenizer = Tokenizer(source.language)
    chosen = summarize(
        [s.plain for s in body], source.language, tokenizer,
        method=request.method, count=request.sentences, ratio=request.ratio,
    )
    summary_sentences = tuple(body[i] for i in chosen)
    return Summary(
        article, source, tuple(body), summary_sentences, request.length_label(len(chosen)),
        cited_references(summary_sentences, article.references),
    )


def digest(
    text: str,
    *,
    source_lang: str | None = None,
    method: str = DEFAULT_METHOD,
    sentences: int | None = None,
    ratio: float | None = None,
    translation: TranslationRequest | None = None,
    detector: str = DEFAULT_DETECTOR,
    summary: SummaryRequest | None = None,
) -> Digest:
    """Summarize an article, translate it if asked, and return a :class:`Digest`.

    ``summary`` and ``translation`` say how (or the loose keywords build the summary request).
    Translation problems of one target (no route, a broken package) do not stop the others:
    they land in ``Digest.errors`` and as ``translations[lang]["error"]``.
    """
    request = SummaryRequest.of(
        summary, method=method, sentences=sentences, ratio=ratio, source_lang=source_lang, detector=detector
    )
    result = summarize_article(text, summary=request)
    if translation is None:
        return assemble_digest(result, request.method)
    outcome = translate_summaries([result], translation)[0]
    return assemble_digest(result, request.method, outcome)


def assemble_digest(result: Summary, method: str, outcome: Outcome | None = None) -> Digest:
    """The :class:`Digest` of a summarized article and, if it was translated, its translations.

    Batch callers summarize many articles, translate them together with
    :func:`polyglot_news.translation.translate_summaries`, then assemble each one here.
    """
    references = result.references
    sign = signatures.summary(result.source, method, result.length)
    if outcome is None:
        return Digest(result.source, result.article.headline, result.summary, references, str(sign))
    return Digest(
        source=result.source,
        headline=result.article.headline,
        summary=result.summary,
        references=references,
        signature=str(functools.reduce(Signature.extend, outcome.signatures, sign)),
        translations=outcome.translations,
        notes=tuple(outcome.notes),
        errors=tuple(outcome.errors),
    )


@dataclass(frozen=True)
class TextTranslation:
    """Arbitrary text translated sentence by sentence, its line structure kept."""

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
        return "".join(" ".join(s.text for s in paragraph) + "\n" for paragraph in self.paragraphs)


def translate_text(
    text: str, target: str, *, source_lang: str | None = None, models: Path | None = None,
    options: DecodeOptions | None = None,
    glossary: Glossary | None = None,
    model: str | None = None,
    detector: str = DEFAULT_DETECTOR,
) -> TextTranslation:
    """Translate any text (each line a paragraph, blank lines kept) into ``target``, markers kept.

    Raises:
        DetectionError: the language cannot be determined and ``source_lang`` was not given.
        RouteError: no installed route from the source language to ``target``.
    """
    target = check_language_code(target, "`target`")
    lines = [line.strip() for line in text.strip().split("\n")]  # blank lines inside are kept
    source = _source_language(Article(None, tuple(line for line in lines if line)), source_lang, detector)
    paragraphs = [split_sentences([line], source.language) if line else [] for line in lines]
    flat = [s for paragraph in paragraphs for s in paragraph]
    routed = translate_sentences(
        flat, source.language, target, models=models, options=options, glossary=glossary, model=model
    )
    out = iter([t.sentence for t in routed.results])
    return TextTranslation(
        source=source,
        target=target,
        route=routed.route,
        paragraphs=tuple(tuple(next(out) for _ in paragraph) for paragraph in paragraphs),
        results=tuple(routed.results),
        terms=tuple(tuple(row) for row in routed.terms),
        signature=str(signatures.text_translation(source, target, routed.signature)),
        notes=(f"{target} comes from a TEST MODEL: its output is not a translation",) if routed.test_model else (),
    )


def cited_references(summary: tuple[Sentence, ...], references: tuple[Reference, ...]) -> tuple[Reference, ...]:
    """The references the summary cites, in the order of the reference list."""
    cited = {ref for sentence in summary for marker in sentence.markers for ref in marker.refs}
    return tuple(r for r in references if r.id in cited)


def _source_language(article: Article, source_lang: str | None, detector: str = DEFAULT_DETECTOR) -> Detection:
    if source_lang is not None:
        return Detection(check_language_code(source_lang, "`source_lang`"), 1.0, "given", detector)
    found = detect(_article_text(article), detector=detector)
    if found.language == "und":
        raise DetectionError(
            f"cannot tell the article's language ({found.reason}); set `source_lang` to its code"
        )
    return found


def _article_text(article: Article) -> str:
    return "\n".join(([article.headline] if article.headline else []) + list(article.paragraphs))

