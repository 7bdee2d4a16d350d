"""Short Latin-script text: langdetect's n-gram model read without sampling, frequent words, English first.

On a headline or a two-word string, langdetect's random sampling is nearly all-or-nothing
(``nervous system`` comes back Czech, ``startup before`` Danish). Here the same profiles score
every n-gram once (:func:`.langdetect_fast.log_likelihoods`), scaled by :data:`_TEMPERATURE`
because overlapping 1-3-grams are not independent evidence; each frequent word of a language
(:data:`.words.LATIN_WORDS`, and for English ``data/langid_words_en.txt``) adds
:data:`_WORD_BONUS`; and English holds half the prior mass (:data:`_ENGLISH_PRIOR`, log 54 over
the other 54 profiles): short input to this product (headlines, one-line ``translate``) is
English far more often than anything else. The constants were chosen by cross-validation with
folds by source on eval-dev (``benchmarks/langid_eval.py``).
"""

from __future__ import annotations

import math
import threading
from importlib import resources
from typing import Any

from polyglot_news.langid import langdetect_fast
from polyglot_news.langid.words import LATIN_WORDS

VERSION = 1  # in the detector's signature (``lat1``): what these rules and word lists are
ENGLISH_FILE = "langid_words_en.txt"

_TEMPERATURE = 0.5  # weight of the n-gram log-likelihood (overlapping n-grams are correlated)
_WORD_BONUS = 8.0  # per word found in a language's frequent-word list
CHUNK_TEMPERATURE = 0.1  # the same for a chunk's verdict: 22 nats between the top two make 0.9
_ENGLISH_PRIOR = math.log(54)  # English holds half the prior mass, the other 54 profiles the rest

_LOCK = threading.Lock()
_CACHE: dict[str, dict[str, frozenset[str]]] = {}


def scores(factory: Any, words: list[str], english_first: bool = True) -> dict[str, float] | None:
    """Log-scores per language code (``zh-cn``/``zh-tw`` both ``zh``), or None without n-grams.

    ``factory`` is the seeded langdetect factory over all its profiles; ``words`` the lower-cased
    Latin-script words of the text. ``english_first=False`` leaves the prior out (the detector does
    so for a word or two of under eight letters, which must be called surely on their own).
    """
    out = plain_scores(factory, words)
    if out is None:
        return None
    for lang, known in word_lists().items():
        if lang in out:
            out[lang] += _WORD_BONUS * sum(1 for word in words if word in known)
    if english_first and "en" in out:
        out["en"] += _ENGLISH_PRIOR
    return out


def plain_scores(factory: Any, words: list[str], temperature: float = _TEMPERATURE) -> dict[str, float] | None:
    """The n-gram part of :func:`scores` alone (no word lists, no prior), for any script.

    With :data:`CHUNK_TEMPERATURE`, the mixed-language check's verdict on a chunk of 80 letters or
    more: one pass over the chunk's n-grams instead of langdetect's thousands of draws, and as
    cautious with close relatives (a Dutch chunk is not called Afrikaans 0.9 surely).
    """
    found = langdetect_fast.log_likelihoods(factory, " ".join(words))
    if found is None:
        return None
    out: dict[str, float] = {}
    for lang, value in zip(factory.langlist, found, strict=True):
        code = lang.split("-", 1)[0]
        out[code] = max(out.get(code, -math.inf), temperature * value)
    return out


def word_lists() -> dict[str, frozenset[str]]:
    """:data:`.words.LATIN_WORDS`, English widened by the shipped word file (read once)."""
    with _LOCK:
        if "words" not in _CACHE:
            raw = resources.files("polyglot_news").joinpath("data", ENGLISH_FILE).read_text(encoding="utf-8")
            english = {w for line in raw.splitlines() for w in line.split("#", 1)[0].split()}
            _CACHE["words"] = {**LATIN_WORDS, "en": LATIN_WORDS["en"] | english}
        return _CACHE["words"]
