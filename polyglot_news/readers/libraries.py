"""The readers' third-party libraries, imported when an input needs one (``--help`` loads none)."""

from __future__ import annotations

import importlib
from typing import Any

from polyglot_news.errors import ReaderUnavailableError

__all__ = ["require"]


def require(module: str, what: str) -> Any:
    """Import a reader's library (trafilatura, feedparser, mammoth), or say which install brings it back.

    Raises:
        ReaderUnavailableError: ``module`` is not installed (exit code 2).
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ReaderUnavailableError(
            f"reading {what} needs the {module.split('.')[0]} package, which is not installed: pip install "
            f"{module.split('.')[0]} (one of polyglot-news's own dependencies)"
        ) from None
