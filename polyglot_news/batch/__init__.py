"""Many articles at once: inputs, workers, translation windows, outputs, resume."""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.batch.inputs import Item, iter_jsonl, iter_paths
    from polyglot_news.batch.options import DEFAULT_CHUNK, BatchOptions
    from polyglot_news.batch.report import ArticleResult, Report
    from polyglot_news.batch.runner import run_batch

__all__ = ["ArticleResult", "BatchOptions", "DEFAULT_CHUNK", "Item", "Report", "iter_jsonl", "iter_paths", "run_batch"]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "Item": "inputs",
        "iter_jsonl": "inputs",
        "iter_paths": "inputs",
        "BatchOptions": "options",
        "DEFAULT_CHUNK": "options",
        "ArticleResult": "report",
        "Report": "report",
        "run_batch": "runner",
    },
)
