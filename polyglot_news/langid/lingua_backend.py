"""The optional lingua backend (the ``lingua`` extra), loaded on first use.

lingua (``lingua-language-detector``, Apache-2.0) ships character 1-5-gram models of 75
languages, Belarusian, Kazakh, Mongolian and Serbian among them, and is markedly better than
langdetect on short text; it costs about 100 MB of disk. Its detector is built over the languages
the caller names (the detector passes those it can name), and loads a language's models the first
time a text could be in it: about 1 GB with all 75 loaded, less with fewer. It is deterministic.
Nothing here imports it until a detection asks for it.
"""

from __future__ import annotations

import threading
from typing import Any

from polyglot_news.errors import DetectorUnavailableError
from polyglot_news.langid.words import ALPHABETS
from polyglot_news.version import install_hint

DISTRIBUTION = "lingua-language-detector"

_LOCK = threading.Lock()
_CACHE: dict[tuple[str, ...], Any] = {}
_NAMES: dict[str, tuple[str, ...]] = {}


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


def probabilities(text: str, languages: tuple[str, ...]) -> dict[str, float]:
    """lingua's confidence for each of ``languages`` (ISO 639-1 codes) it knows.

    Raises:
        DetectorUnavailableError: lingua is not installed.
    """
    detector = _detector(languages)
    return {
        value.language.iso_code_639_1.name.lower(): float(value.value)
        for value in detector.compute_language_confidence_values(text)
    }


def languages() -> tuple[str, ...]:
    """The languages lingua is asked about: those the default detector can name too.

    langdetect's profiles (``zh-cn``/``zh-tw`` as ``zh``) and the eight Cyrillic languages of the
    n-gram model, less those lingua has no model of: 54 of its 75, about 0.2 GB less memory.

    Raises:
        DetectorUnavailableError: lingua is not installed.
    """
    with _LOCK:
        if "languages" not in _NAMES:
            import os

            from langdetect.detector_factory import PROFILES_DIRECTORY  # type: ignore[import-untyped]

            names = {name.split("-", 1)[0] for name in os.listdir(PROFILES_DIRECTORY)} | set(ALPHABETS)
            _NAMES["languages"] = known(tuple(sorted(names)))
        return _NAMES["languages"]


def known(languages: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``languages`` lingua has a model of, sorted.

    Raises:
        DetectorUnavailableError: lingua is not installed.
    """
    require()
    from lingua import Language

    theirs = {language.iso_code_639_1.name.lower() for language in Language.all()}
    return tuple(sorted(set(languages) & theirs))


def _detector(languages: tuple[str, ...]) -> Any:
    with _LOCK:
        if languages not in _CACHE:
            require()
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [IsoCode639_1.from_str(code) for code in known(languages)]
            _CACHE[languages] = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
        return _CACHE[languages]
