"""The words a summary method compares: stop words, stemmers, content words, per language."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

# ISO 639-1 code -> (aliases, sumy/Snowball stemmer language or None).
_LANGUAGES: dict[str, tuple[frozenset[str], str | None]] = {
    "en": (frozenset({"en", "eng", "english"}), "english"),
    "ru": (frozenset({"ru", "rus", "russian"}), "russian"),
    "uk": (frozenset({"uk", "ukr", "ukrainian"}), "ukrainian"),
    "be": (frozenset({"be", "bel", "belarusian", "belarussian"}), None),
}


def stop_words(language: str) -> frozenset[str]:
    """Return the lowercase stop words shipped for ``language`` (empty when there are none)."""
    code = language_code(language)
    if code is None:
        return frozenset()
    return _read_stop_words(code)


def language_code(language: str) -> str | None:
    """Map a code or English name to one of our ISO 639-1 codes, or ``None`` if unsupported."""
    key = language.strip().lower()
    for code, (aliases, _) in _LANGUAGES.items():
        if key in aliases:
            return code
    return None


def stemmer(language: str) -> Callable[[str], str]:
    """Return the word stemmer used for ``language`` (lowercasing only when it has none)."""
    code = language_code(language)
    if code == "be":
        return stem_belarusian
    snowball = _LANGUAGES[code][1] if code is not None else None
    if snowball is None:
        return str.lower
    from sumy.nlp.stemmers import Stemmer  # type: ignore[import-untyped]

    stem: Callable[[str], str] = Stemmer(snowball)
    return stem


def content_words(sentences: Iterable[Iterable[str]], language: str) -> list[frozenset[str]]:
    """Each sentence's content words: the stems of its words that are not stop words and hold a
    letter or digit (``sentences`` holds each sentence's words)."""
    stop = stop_words(language)
    stem = stemmer(language)
    return [
        frozenset(stem(w.lower()) for w in words if w.lower() not in stop and any(c.isalnum() for c in w))
        for words in sentences
    ]


# Belarusian inflection endings, longest first; a light stemmer (no derivation).
_BE_REFLEXIVE = re.compile(r"(ся|цца|ца)$")
_BE_ENDINGS = (
    *("ецце",),
    *("ымі", "імі", "амі", "ямі", "ого", "ага", "яга", "аму", "яму", "ому", "ему"),
    *("аць", "яць", "ець", "іць", "ыць", "уць", "юць", "ыце", "іце"),
    *("ых", "іх", "ым", "ім", "ая", "яя", "ое", "ае", "яе", "ыя", "ія", "ую", "юю", "ой", "ей"),
    *("ай", "яй", "аю", "яю", "ёй", "ою", "ёю", "ам", "ям", "ах", "ях", "аў", "яў", "ом", "ем", "ём", "ла", "лі", "ло"),
    *("ы", "і", "а", "я", "у", "ю", "е", "о", "ь"),
)
_BE_MIN_STEM = 3


def stem_belarusian(word: str) -> str:
    """Strip one Belarusian inflection ending, keeping at least three letters of stem."""
    word = word.lower().replace("ў", "у").replace("ё", "е").replace("’", "").replace("'", "")
    if len(word) <= _BE_MIN_STEM:
        return word
    reflexive = _BE_REFLEXIVE.sub("", word)
    if len(reflexive) >= _BE_MIN_STEM:
        word = reflexive
    for ending in _BE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _BE_MIN_STEM:
            return word[: -len(ending)]
    return word


@functools.cache
def _read_stop_words(code: str) -> frozenset[str]:
    path = Path(__file__).parents[1] / "data" / "stopwords" / f"{code}.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w.lower() for w in words)
