"""Extractive summaries: the single methods (Lead-N, sumy's algorithms), the default ``auto``,
the boilerplate filter, and :class:`SummaryRequest`, the value every caller builds.

Names load on first use: ``import polyglot_news.summarize`` imports neither sumy nor numpy.

- ``extract``: :func:`summarize`, :func:`sentence_scores`, :func:`signature_name`
- ``methods``: the registry :data:`METHODS`, sumy's scores, the position blend
- ``auto``: the default method and its fitted constants
- ``boilerplate``: sentences that are never summary material
- ``request``: :class:`SummaryRequest` and the length rules
- ``words``: stop words, stemmers, content words per language
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.summarize.auto import AUTO, AUTO_VERSION, AutoParams, auto_choose, auto_scores
    from polyglot_news.summarize.boilerplate import is_boilerplate
    from polyglot_news.summarize.extract import sentence_scores, signature_name, summarize
    from polyglot_news.summarize.methods import (
        DEFAULT_METHOD,
        LEAD_PRIOR_WEIGHT,
        MAX_RANKED,
        MAX_RANKED_KL,
        METHODS,
        WordTokenizer,
        position_blend,
        ranks,
    )
    from polyglot_news.summarize.request import DEFAULT_COUNT, SummaryRequest, summary_length
    from polyglot_news.summarize.words import content_words, language_code, stem_belarusian, stemmer, stop_words

_WHERE = {
    **dict.fromkeys(("AUTO", "AUTO_VERSION", "AutoParams", "auto_choose", "auto_scores"), "auto"),
    "is_boilerplate": "boilerplate",
    **dict.fromkeys(("sentence_scores", "signature_name", "summarize"), "extract"),
    **dict.fromkeys(
        ("DEFAULT_METHOD", "LEAD_PRIOR_WEIGHT", "MAX_RANKED", "MAX_RANKED_KL", "METHODS", "WordTokenizer",
         "position_blend", "ranks"),
        "methods",
    ),
    **dict.fromkeys(("DEFAULT_COUNT", "SummaryRequest", "summary_length"), "request"),
    **dict.fromkeys(("content_words", "language_code", "stem_belarusian", "stemmer", "stop_words"), "words"),
}

__all__ = [
    "AUTO",
    "AUTO_VERSION",
    "AutoParams",
    "DEFAULT_COUNT",
    "DEFAULT_METHOD",
    "LEAD_PRIOR_WEIGHT",
    "MAX_RANKED",
    "MAX_RANKED_KL",
    "METHODS",
    "SummaryRequest",
    "WordTokenizer",
    "auto_choose",
    "auto_scores",
    "content_words",
    "is_boilerplate",
    "language_code",
    "position_blend",
    "ranks",
    "sentence_scores",
    "signature_name",
    "stem_belarusian",
    "stemmer",
    "stop_words",
    "summarize",
    "summary_length",
]

__getattr__, __dir__ = lazy_names(__name__, _WHERE)
