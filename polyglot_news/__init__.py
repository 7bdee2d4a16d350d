"""polyglot-news: offline language detection, extractive summaries and Argos translation.

The Python API mirrors the CLI::

    import polyglot_news
    result = polyglot_news.digest(text, sentences=3)
    result.to_dict()        # the JSON of `polyglot-news digest`
"""

from __future__ import annotations

__version__ = "0.1.0"

from .document import Article, Detection, Digest, Marker, Reference, Sentence, Summary
from .errors import (
    CitationError,
    DetectionError,
    InputError,
    ModelError,
    OutputError,
    PolyglotNewsError,
    RouteError,
)
from .pipeline import detect_language, digest, summarize_article, translate_text
from .translation import TranslationRequest

__all__ = [
    "Article",
    "CitationError",
    "Detection",
    "DetectionError",
    "Digest",
    "InputError",
    "Marker",
    "ModelError",
    "OutputError",
    "PolyglotNewsError",
    "Reference",
    "RouteError",
    "Sentence",
    "Summary",
    "TranslationRequest",
    "__version__",
    "detect_language",
    "digest",
    "summarize_article",
    "translate_text",
]
