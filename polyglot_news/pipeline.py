"""The digest pipeline: parse → detect → segment → summarize (→ translate), no I/O."""

from __future__ import annotations

import functools
from pathlib import Path

from polyglot_news import signature as signatures
from polyglot_news.citations.grammar import cited_references
from polyglot_news.document import GIVEN, Article, Detection, Digest, MarkupTranslation, Summary, TextTranslation
from polyglot_news.errors import DetectionError, DetectorUnavailableError, InputError
from polyglot_news.langid.detector import detect
from polyglot_news.languages import DEFAULT_DETECTOR, check_language_code
from polyglot_news.parse import parse_article
from polyglot_news.segment import Tokenizer, split_sentences
from polyglot_news.signature import Signature
from polyglot_news.summarize.extract import summarize
from polyglot_news.summarize.methods import DEFAULT_METHOD
from polyglot_news.summarize.request import SummaryRequest
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.glossary import Glossary
from polyglot_news.translation.request import TranslationRequest
from polyglot_news.translation.sentences import translate_sentences
from polyglot_news.translation.summaries import Outcome, translate_summaries


def detect_language(text: str | Article, *, detector: str = DEFAULT_DETECTOR) -> Detection:
    """Detect the language of an article's headline and body (references and boilerplate ignored).

    ``text`` is the article's text, or an :class:`Article` a reader built (a page, a Word file).
    ``detector`` is ``langdetect`` (default) or ``lingua`` (the optional extra).
    """
    article = _parsed(text)
    return detect(_article_text(article), detector=detector)


def summarize_article(
    text: str | Article,
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

    ``text`` is the article's text, or an :class:`Article` a reader built (a page, a Word file).

    Raises:
        InputError: the article has no body text (only a headline, references or boilerplate).
        DetectionError: the language cannot be determined and ``source_lang`` was not given.
        ValueError: a bad ``source_lang``, ``method``, ``sentences`` or ``ratio``, or both a
            ``summary`` and loose keywords.
        TypeError: ``text`` or ``source_lang`` is not a str.
    """
    request = SummaryRequest.of(
        summary, method=method, sentences=sentences, ratio=ratio, source_lang=source_lang, detector=detector
    )
    article = _parsed(text)
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
    text: str | Article,
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

    Raises:
        TypeError: ``translation`` is not a :class:`TranslationRequest` (or ``text`` not a str).
    """
    if translation is not None and not isinstance(translation, TranslationRequest):
        raise TypeError(
            f"`translation` takes a TranslationRequest(targets=(...)), not {type(translation).__name__}"
        )
    request = SummaryRequest.of(
        summary, method=method, sentences=sentences, ratio=ratio, source_lang=source_lang, detector=detector
    )
    result = summarize_article(text, summary=request)
    if translation is None:
        return assemble_digest(result, request.method)
    return assemble_digest(result, request.method, translate_summaries([result], translation)[0])


def assemble_digest(
    result: Summary, method: str, outcome: Outcome | None = None, *, strict: bool = False, label: str | None = None
) -> Digest:
    """The :class:`Digest` of a summarized article and, if it was translated, its translations.

    Batch callers summarize many articles, translate them together with
    :func:`polyglot_news.translation.translate_summaries`, then assemble each one here.

    When a model translated from a source language the caller gave and the text reads as
    another (:func:`source_mismatch`), the digest says so in its ``notes`` (``label``, e.g. a
    batch article's id, names the article there), or with ``strict`` holds a
    :class:`DetectionError` in its ``errors``. A digest nothing translated is never checked.
    """
    references = result.references
    if outcome is not None and any(t.full is not None for t in outcome.translations.values()):
        references = cited_references(result.sentences, result.article.references)  # what the full text cites
    sign = signatures.summary(result.source, method, result.length)
    if outcome is None:
        return Digest(result.source, result.article.headline, result.summary, references, str(sign))
    notes, errors = list(outcome.notes), list(outcome.errors)
    if result.source.reason == GIVEN and any(t.models for t in outcome.translations.values()):
        # A model translated from a language the caller named: say if the text reads otherwise.
        for problem in _noted_mismatch(_article_text(result.article), result.source.language, result.source.detector):
            if strict:
                errors.append(DetectionError(f"{problem}; {STRICT_REFUSAL}"))
            else:
                notes.insert(0, f"{label}: {problem}" if label else problem)
    return Digest(
        source=result.source,
        headline=result.article.headline,
        summary=result.summary,
        references=references,
        signature=str(functools.reduce(Signature.extend, outcome.signatures, sign)),
        translations=outcome.translations,
        notes=tuple(notes),
        errors=tuple(errors),
    )


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
        TypeError: ``text``, ``target`` or ``source_lang`` is not a str.
    """
    target = check_language_code(target, "`target`")
    lines = [line.strip() for line in _checked_text(text).strip().split("\n")]  # blank lines inside are kept
    source = _source_language(Article(None, tuple(line for line in lines if line)), source_lang, detector)
    paragraphs = [split_sentences([line], source.language) if line else [] for line in lines]
    flat = [s for paragraph in paragraphs for s in paragraph]
    routed = translate_sentences(
        flat, source.language, target, models=models, options=options, glossary=glossary, model=model
    )
    out = iter([t.sentence for t in routed.results])
    notes = _noted_mismatch("\n".join(lines), source.language, detector) if source_lang and routed.packages else []
    if routed.test_model:
        notes.append(f"{target} comes from a TEST MODEL: its output is not a translation")
    return TextTranslation(
        source=source,
        target=target,
        route=routed.route,
        paragraphs=tuple(tuple(next(out) for _ in paragraph) for paragraph in paragraphs),
        results=tuple(routed.results),
        terms=tuple(tuple(row) for row in routed.terms),
        signature=str(signatures.text_translation(source, target, routed.signature)),
        notes=tuple(notes),
    )


MISMATCH_CONFIDENCE = 0.9
"""How sure the detector must be of another language before a given source language is doubted."""
STRICT_REFUSAL = "--strict refuses it: correct --source-lang, or leave it out to detect the language"
"""What a refused mismatch adds to the problem (``digest``, ``translate`` and ``batch`` with ``--strict``)."""


def source_mismatch(text: str | Article, source_lang: str, *, detector: str = DEFAULT_DETECTOR) -> str | None:
    """Why ``source_lang`` looks wrong for the article ``text``, or ``None``.

    The detector reads the headline and body; a language other than ``source_lang`` with a
    confidence of at least :data:`MISMATCH_CONFIDENCE` is a mismatch (``und`` never is).
    :func:`digest`, :func:`assemble_digest` (batch) and :func:`translate_text` put this in their
    notes when a model translated from a ``source_lang`` the caller gave; ``--strict`` refuses
    such a run (``digest`` and ``translate`` before they translate, ``batch`` per article).

    Raises:
        DetectorUnavailableError: ``detector`` is not installed.
    """
    return _mismatch(
        _article_text(_parsed(text)), check_language_code(source_lang, "`source_lang`"), detector
    )


def _noted_mismatch(text: str, given: str, detector: str) -> list[str]:
    """The mismatch as a note, if any; none when the detector is not installed (the caller
    named the language, so detecting is only this check)."""
    try:
        found = _mismatch(text, given, detector)
    except DetectorUnavailableError:
        return []
    return [found] if found else []


def _mismatch(text: str, given: str, detector: str) -> str | None:
    found = detect(text, detector=detector)
    if found.language in ("und", given) or found.confidence < MISMATCH_CONFIDENCE:
        return None
    return (
        f"the text reads as {found.language} (confidence {found.confidence:.2f}), not {given} as its source "
        f"language was given: translated as {given}, it will come out wrong"
    )


def _checked_text(text: object) -> str:
    """``text`` when it is a str; a :class:`TypeError` that names what to do otherwise."""
    if isinstance(text, str):
        return text
    hint = ": decode it first, e.g. data.decode('utf-8')" if isinstance(text, (bytes, bytearray)) else ""
    raise TypeError(f"`text` takes the article as a str, not {type(text).__name__}{hint}")


def translate_markup(
    page: str, target: str, *, source_lang: str | None = None, models: Path | None = None,
    options: DecodeOptions | None = None,
    glossary: Glossary | None = None,
    model: str | None = None,
    detector: str = DEFAULT_DETECTOR,
) -> MarkupTranslation:
    """Translate every text node of an HTML page into ``target``, tags, scripts and styles kept verbatim.

    Each text node is one paragraph of :func:`translate_text` (its whitespace folded, what
    surrounds it kept); the page comes back UTF-8, its ``<meta charset>`` saying so.

    Raises:
        InputError: the page holds no text.
        DetectionError, RouteError: as :func:`translate_text`.
    """
    from polyglot_news.readers.markup import join_markup, page_pieces

    pieces = page_pieces(page)
    texts = {i: " ".join(piece.value.split()) for i, piece in enumerate(pieces) if piece.text and piece.value.strip()}
    done = translate_text(
        "\n".join(texts.values()), target, source_lang=source_lang, models=models, options=options,
        glossary=glossary, model=model, detector=detector,
    )
    replaced = {}
    for (i, _), sentences in zip(texts.items(), done.paragraphs, strict=True):
        if not sentences:  # no words (a bullet, a number): kept as it is
            continue
        value = pieces[i].value
        lead, trail = value[: len(value) - len(value.lstrip())], value[len(value.rstrip()) :]
        replaced[i] = lead + " ".join(s.text for s in sentences) + trail
    return MarkupTranslation(join_markup(pieces, replaced), done)



def _source_language(article: Article, source_lang: str | None, detector: str = DEFAULT_DETECTOR) -> Detection:
    if source_lang is not None:
        return Detection(check_language_code(source_lang, "`source_lang`"), 1.0, GIVEN, detector)
    found = detect(_article_text(article), detector=detector)
    if found.language == "und":
        raise DetectionError(
            f"cannot tell the article's language ({found.reason}); set `source_lang` to its code"
        )
    return found


def _parsed(text: str | Article) -> Article:
    return text if isinstance(text, Article) else parse_article(_checked_text(text))


def _article_text(article: Article) -> str:
    return "\n".join(([article.headline] if article.headline else []) + list(article.paragraphs))

