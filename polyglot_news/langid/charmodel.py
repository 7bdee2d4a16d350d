"""The Cyrillic character model: letter 4-grams (Witten-Bell interpolated) and training words.

Trained on project-written text, langdetect's profiles and lingua 1.x's letter models (all
shippable) by ``lang_models/build_langid_model.py`` into
``data/langid_cyrillic.json``; :mod:`.detector` combines its log-likelihoods with
orthography and langdetect (or lingua).
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources

MAX_ORDER = 4
MODEL_FILE = "langid_cyrillic.json"

_SMOOTHING = 0.1  # additive smoothing of the letter (unigram) counts
_WORD_END = 0.15  # base probability of a word end before the letter contexts refine it
_LOG_CACHE_SIZE = 200_000  # (history, letter) events whose log-probabilities are kept (~40 MB at most)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def word_tokens(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters, with inner apostrophes unified to ``'``)."""
    return _WORD.findall(text.translate(_APOSTROPHES).lower())


def char_ngrams(words: Iterable[str], max_order: int = MAX_ORDER) -> Iterator[str]:
    """Character 1..``max_order``-grams of each word padded with spaces (``" ab"``, ``"b "``)."""
    for word in words:
        padded = f" {word} "
        for n in range(1, max_order + 1):
            for i in range(len(padded) - n + 1):
                gram = padded[i : i + n]
                if gram != " ":
                    yield gram


@dataclass(frozen=True)
class CharModel:
    """Character 4-gram language models (Witten-Bell interpolated) for the Cyrillic languages.

    Three letters of history see a word ending whole: Macedonian ``-кот`` (``дневникот``) apart
    from the Bulgarian preposition ``от``, which a two-letter history cannot tell apart.
    """

    languages: tuple[str, ...]
    counts: dict[str, dict[str, float]]
    unigram_total: dict[str, float]
    # context -> (total count of n-grams extending it, number of distinct extensions)
    contexts: dict[str, dict[str, tuple[float, int]]]
    alphabet_size: int
    lexicon: dict[str, frozenset[str]] = field(default_factory=dict)  # words of each training text
    log_cache: dict[tuple[str, str], tuple[float, ...]] = field(default_factory=dict, compare=False, repr=False)
    prob_cache: dict[tuple[str, str], tuple[float, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_counts(cls, counts: dict[str, dict[str, float]]) -> CharModel:
        letters = {g for grams in counts.values() for g in grams if len(g) == 1}
        totals: dict[str, float] = {}
        contexts: dict[str, dict[str, tuple[float, int]]] = {}
        for lang, grams in counts.items():
            totals[lang] = sum(v for g, v in grams.items() if len(g) == 1)
            found: dict[str, tuple[float, int]] = {}  # in the order of first sight, as before
            for gram, count in grams.items():
                if len(gram) > 1:
                    mass, types = found.get(gram[:-1], (0.0, 0))
                    found[gram[:-1]] = (mass + count, types + 1)
            contexts[lang] = found
        return cls(tuple(sorted(counts)), counts, totals, contexts, len(letters) + 1)

    def _probs(self, history: str, ch: str) -> tuple[float, ...]:
        """P(letter | history) for every language: Witten-Bell back-off, shortest history first.

        The estimate for ``history`` refines the one for its last letters (``history[1:]``),
        which many histories share; those are kept too (a bounded, deterministic memo).
        """
        if not history:
            if ch == " ":
                return (_WORD_END,) * len(self.languages)  # word ends are left to the letter contexts
            smoothed = _SMOOTHING * self.alphabet_size
            return tuple(
                (self.counts[lang].get(ch, 0.0) + _SMOOTHING) / (self.unigram_total[lang] + smoothed)
                for lang in self.languages
            )
        key = (history, ch)
        found = self.prob_cache.get(key)
        if found is not None:
            return found
        gram = history + ch
        out: list[float] = []
        for lang, p in zip(self.languages, self._probs(history[1:], ch), strict=True):
            mass, types = self.contexts[lang].get(history, (0.0, 0))
            if mass > 0:
                p = (self.counts[lang].get(gram, 0.0) + types * p) / (mass + types)
            out.append(p)
        probs = tuple(out)
        if len(self.prob_cache) < _LOG_CACHE_SIZE:
            self.prob_cache[key] = probs
        return probs

    def log_likelihoods(self, events: Counter[tuple[str, str]]) -> dict[str, float]:
        """Sum of log P(letter | up to three previous letters) over ``(history, letter)`` events.

        ``math.fsum`` is exact, so the order of the events does not matter; each event's
        log-probabilities are computed once per process (:meth:`_logs`).
        """
        rows = [(n, self._logs(key)) for key, n in events.items()]
        return {lang: math.fsum(n * logs[i] for n, logs in rows) for i, lang in enumerate(self.languages)}

    def _logs(self, event: tuple[str, str]) -> tuple[float, ...]:
        """log P(letter | history) for every language, cached (a bounded, deterministic memo)."""
        logs = self.log_cache.get(event)
        if logs is None:
            history, ch = event
            logs = tuple(map(math.log, self._probs(history, ch)))
            if len(self.log_cache) < _LOG_CACHE_SIZE:
                self.log_cache[event] = logs
        return logs


def events(words: Iterable[str]) -> Counter[tuple[str, str]]:
    """Each letter of each space-padded word with its (up to ``MAX_ORDER - 1`` letters of) history."""
    out: Counter[tuple[str, str]] = Counter()
    for word in words:
        padded = f" {word} "
        for i in range(1, len(padded)):
            out[(padded[max(0, i - MAX_ORDER + 1) : i], padded[i])] += 1
    return out


_LOCK = threading.Lock()
_CACHE: dict[str, CharModel] = {}


def cyrillic_model() -> CharModel:
    """The shipped model, loaded once per process."""
    with _LOCK:
        if "model" not in _CACHE:
            raw = resources.files("polyglot_news").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
            data = json.loads(raw)
            lexicon = {lang: frozenset(words) for lang, words in data.get("words", {}).items()}
            _CACHE["model"] = replace(CharModel.from_counts(data["counts"]), lexicon=lexicon)
        return _CACHE["model"]
