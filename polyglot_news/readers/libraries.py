"""The readers' third-party libraries, imported when an input needs one (``--help`` loads none)."""

from __future__ import annotations

import importlib
from typing import Any

from polyglot_news.errors import ReaderUnavailableError
from polyglot_news.version import install_hint

__all__ = ["require"]


def require(module: str, what: str) -> Any:
    """Import a reader's library (trafilatura, feedparser, mammoth), or say which install brings it back.

    The libraries are polyglot-news's own dependencies, so a missing one means a broken
    installation: the message gives the command that installs polyglot-news again from where
    it came from (:func:`polyglot_news.version.install_hint`).

    Raises:
        ReaderUnavailableError: ``module`` is not installed (exit code 2).
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ReaderUnavailableError(
            f"reading {what} needs the {module.split('.')[0]} package, which is not installed; it is one of "
            f"polyglot-news's own dependencies, so reinstall polyglot-news: {install_hint()}"
        ) from None
