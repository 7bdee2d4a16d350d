"""Scoring installed translation routes on a parallel file (``models evaluate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.evaluate.markers import inject_markers
    from polyglot_news.evaluate.parallel import (
        ISO639_3,
        MAX_BYTES,
        ParallelFile,
        Target,
        default_targets,
        find_column,
        language_of_column,
        read_parallel,
    )
    from polyglot_news.evaluate.results import BLEU_NOTE, SCHEMA, Evaluation, RouteScore
    from polyglot_news.evaluate.scores import evaluate, require_sacrebleu

__all__ = [
    "BLEU_NOTE",
    "Evaluation",
    "ISO639_3",
    "MAX_BYTES",
    "ParallelFile",
    "RouteScore",
    "SCHEMA",
    "Target",
    "default_targets",
    "evaluate",
    "find_column",
    "inject_markers",
    "language_of_column",
    "read_parallel",
    "require_sacrebleu",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "inject_markers": "markers",
        "ISO639_3": "parallel",
        "MAX_BYTES": "parallel",
        "ParallelFile": "parallel",
        "Target": "parallel",
        "default_targets": "parallel",
        "find_column": "parallel",
        "language_of_column": "parallel",
        "read_parallel": "parallel",
        "BLEU_NOTE": "results",
        "Evaluation": "results",
        "RouteScore": "results",
        "SCHEMA": "results",
        "evaluate": "scores",
        "require_sacrebleu": "scores",
    },
)
