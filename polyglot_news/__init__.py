"""polyglot-news: offline language detection, extractive summaries and Argos translation.

The Python API mirrors the CLI::

    import polyglot_news
    result = polyglot_news.digest(text, sentences=3)
    result.to_dict()        # the JSON of `polyglot-news digest`

Names are loaded on first use, so ``import polyglot_news`` (and the CLI's start-up) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names
from polyglot_news.version import __version__

if TYPE_CHECKING:
    from polyglot_news.document import (
        Article,
        Detection,
        Digest,
        GlossaryHit,
        Marker,
        MarkupTranslation,
        ModelUsed,
        Place,
        Reference,
        Sentence,
        Summary,
        TextTranslation,
        Translated,
        Translation,
    )
    from polyglot_news.errors import (
        CitationError,
        DetectionError,
        InputError,
        ModelError,
        OutputError,
        PolyglotNewsError,
        RouteError,
    )
    from polyglot_news.pipeline import detect_language, digest, summarize_article, translate_markup, translate_text
    from polyglot_news.summarize.request import SummaryRequest
    from polyglot_news.translation.request import TranslationRequest

_WHERE = {
    **dict.fromkeys(
        (
            "Article",
            "Detection",
            "Digest",
            "GlossaryHit",
            "Marker",
            "MarkupTranslation",
            "ModelUsed",
            "Place",
            "Reference",
            "Sentence",
            "Summary",
            "TextTranslation",
            "Translated",
            "Translation",
        ),
        "document",
    ),
    **dict.fromkeys(
        (
            "CitationError",
            "DetectionError",
            "InputError",
            "ModelError",
            "OutputError",
            "PolyglotNewsError",
            "RouteError",
        ),
        "errors",
    ),
    **dict.fromkeys(
        ("detect_language", "digest", "summarize_article", "translate_markup", "translate_text"), "pipeline"
    ),
    "SummaryRequest": "summarize.request",
    "TranslationRequest": "translation.request",
}

__all__ = [
    "Article",
    "CitationError",
    "Detection",
    "DetectionError",
    "Digest",
    "GlossaryHit",
    "InputError",
    "Marker",
    "MarkupTranslation",
    "ModelError",
    "ModelUsed",
    "OutputError",
    "Place",
    "PolyglotNewsError",
    "Reference",
    "RouteError",
    "Sentence",
    "Summary",
    "SummaryRequest",
    "TextTranslation",
    "Translated",
    "Translation",
    "TranslationRequest",
    "__version__",
    "detect_language",
    "digest",
    "summarize_article",
    "translate_markup",
    "translate_text",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE)
