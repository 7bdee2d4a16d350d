"""The optional lingua backend (the ``lingua`` extra), loaded on first use.

lingua (``lingua-language-detector``, Apache-2.0) ships character 1-5-gram models of 75
languages, Belarusian, Kazakh, Mongolian and Serbian among them, and is markedly better than
langdetect on short text; it costs about 100 MB of disk and about 1 GB of memory once all its
models are loaded. It is deterministic. Nothing here imports it until a detection asks for it.
"""

from __future__ import annotations

import threading
from typing import Any

from polyglot_news.errors import DetectorUnavailableError
from polyglot_news.version import install_hint

DISTRIBUTION = "lingua-language-detector"

_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


def available() -> bool:
    """Whether lingua can be imported (imports nothing heavy: only looks for the module)."""
    from importlib.util import find_spec

    return find_spec("lingua") is not None


def version() -> str:
    """The installed lingua version (``?`` if unknown)."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "?"


def require() -> None:
    """Raise :class:`DetectorUnavailableError` naming the pip command if lingua is missing."""
    if not available():
        raise DetectorUnavailableError(f"the lingua detector is not installed; run: {install_hint('lingua')}")


def probabilities(text: str) -> dict[str, float]:
    """lingua's confidence for each of its languages (ISO 639-1 codes), all languages loaded.

    Raises:
        DetectorUnavailableError: lingua is not installed.
    """
    detector = _detector()
    return {
        value.language.iso_code_639_1.name.lower(): float(value.value)
        for value in detector.compute_language_confidence_values(text)
    }


def _detector() -> Any:
    with _LOCK:
        if "detector" not in _CACHE:
            require()
            from lingua import LanguageDetectorBuilder

            _CACHE["detector"] = LanguageDetectorBuilder.from_all_languages().build()
        return _CACHE["detector"]
