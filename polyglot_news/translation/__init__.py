"""Translation: request → :class:`Route` → engine (CTranslate2 + SentencePiece) → markers placed → guard → glossary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.document import Translated
    from polyglot_news.translation.decoding import DecodeOptions
    from polyglot_news.translation.engine import Translator, build_translator
    from polyglot_news.translation.loader import clear_cache
    from polyglot_news.translation.request import DEFAULT_PARTS, DEFAULT_TARGETS, PARTS, TranslationRequest
    from polyglot_news.translation.routing import Route, find_route
    from polyglot_news.translation.sentences import Routed, translate_sentences
    from polyglot_news.translation.summaries import Outcome, translate_summaries

__all__ = [
    "DEFAULT_PARTS",
    "DEFAULT_TARGETS",
    "DecodeOptions",
    "Outcome",
    "PARTS",
    "Route",
    "Routed",
    "Translated",
    "TranslationRequest",
    "Translator",
    "build_translator",
    "clear_cache",
    "find_route",
    "translate_sentences",
    "translate_summaries",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "DecodeOptions": "decoding",
        "Translated": "polyglot_news.document",
        "Translator": "engine",
        "build_translator": "engine",
        "clear_cache": "loader",
        "DEFAULT_PARTS": "request",
        "DEFAULT_TARGETS": "request",
        "PARTS": "request",
        "TranslationRequest": "request",
        "Route": "routing",
        "find_route": "routing",
        "Routed": "sentences",
        "translate_sentences": "sentences",
        "Outcome": "summaries",
        "translate_summaries": "summaries",
    },
)
