"""langdetect's probability estimate, bit for bit, with its inner loop over languages in numpy.

``langdetect.Detector.get_probabilities`` samples n-grams of the text at random and multiplies a
per-language probability vector by each n-gram's profile row, in pure Python, one language at a
time: most of the time of a detection. :func:`probabilities` runs the same algorithm (langdetect
1.0.9's ``_detect_block``) with the same random generator, the same draws in the same order and the
same floating-point operations in the same order, so it returns exactly the same vector; only the
loop over languages is one numpy operation. The text cleaning and n-gram extraction are
langdetect's own methods.

``tests/test_langid.py`` checks the equality against langdetect itself.
"""

from __future__ import annotations

import random
from typing import Any


def factory(paths: list[str], seed: int) -> Any:
    """A seeded ``DetectorFactory`` over the profiles at ``paths``, in that order, as langdetect's
    ``add_profile`` would build it, except that a profile row is computed on first use.

    ``add_profile`` builds a row of probabilities for every one of the 87,598 n-grams of the 55
    profiles up front (about 0.25 s, ~45 MB); a one-line text needs a few hundred of them.
    """
    import json

    from langdetect.detector_factory import DetectorFactory  # type: ignore[import-untyped]

    profiles = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            profiles.append(json.load(handle))
    made = DetectorFactory()
    made.set_seed(seed)
    made.langlist = [profile["name"] for profile in profiles]
    made.word_lang_prob_map = _Rows([(profile["freq"], profile["n_words"]) for profile in profiles])
    return made


class _Rows:
    """langdetect's ``word_lang_prob_map`` (n-gram -> probability per language), filled on demand.

    A row holds what ``DetectorFactory.add_profile`` stores: ``1.0 * count / n_words[len - 1]``
    for each profile that has the n-gram (1-3 letters), 0.0 for the others.
    """

    def __init__(self, profiles: list[tuple[dict[str, int], list[int]]]) -> None:
        self._profiles = profiles
        self._known: dict[object, bool] = {}  # n-gram -> whether a profile has it, as asked
        self._rows: dict[str, list[float]] = {}

    def __contains__(self, gram: object) -> bool:
        found = self._known.get(gram)
        if found is None:
            found = self._known[gram] = any(gram in freq for freq, _ in self._profiles)
        return found

    def __getitem__(self, gram: str) -> list[float]:
        row = self._rows.get(gram)
        if row is None:
            if gram not in self:
                raise KeyError(gram)
            length = len(gram)
            row = [
                1.0 * freq[gram] / n_words[length - 1] if gram in freq and 1 <= length <= 3 else 0.0
                for freq, n_words in self._profiles
            ]
            self._rows[gram] = row
        return row

    def get(self, gram: str, default: Any = None) -> Any:
        return self[gram] if gram in self else default


_ROWS = "_polyglot_news_rows"  # attribute of the factory: n-gram -> its profile row (numpy)


def probabilities(factory: Any, text: str) -> list[float] | None:
    """langdetect's probability per language of ``factory.langlist`` for ``text``, or None.

    None where langdetect raises "no features in text". ``factory`` is a seeded
    ``langdetect.detector_factory.DetectorFactory``.
    """
    import numpy as np

    detector, ngrams = extract_ngrams(factory, text)  # every one of them is in the profile map
    if not ngrams:
        return None
    rows: dict[str, Any] = factory.__dict__.setdefault(_ROWS, {})  # filled lazily, kept with the factory
    size = len(detector.langlist)
    langprob = np.zeros(size)
    rng = random.Random()
    rng.seed(detector.seed)
    for _ in range(detector.n_trial):
        prob = np.full(size, 1.0 / size)  # langdetect's _init_probability (no prior map)
        alpha = detector.alpha + rng.gauss(0.0, 1.0) * detector.ALPHA_WIDTH
        weight = alpha / detector.BASE_FREQ
        i = 0
        while True:
            word = rng.choice(ngrams)
            row = rows.get(word)
            if row is None:
                row = rows[word] = np.array(detector.word_lang_prob_map[word], dtype=np.float64)
            prob *= weight + row
            if i % 5 == 0:
                # langdetect's _normalize_prob: Python's own sum, then one division per language.
                prob /= sum(prob.tolist())
                if float(prob.max()) > detector.CONV_THRESHOLD or i >= detector.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / detector.n_trial
    return [float(p) for p in langprob]



_LOG_ROWS = "_polyglot_news_log_rows"  # attribute of the factory: n-gram -> log of its smoothed row


def log_likelihoods(factory: Any, text: str) -> list[float] | None:
    """langdetect's model without its sampling: per language of ``factory.langlist``, the sum over
    every n-gram of ``text`` of ``log(alpha / BASE_FREQ + P(n-gram | language))``, or None.

    langdetect draws n-grams at random until one language passes 0.99999, so on a few words its
    answer is nearly all-or-nothing and rests on the draws; this is the same evidence, each n-gram
    counted once, graded and deterministic. None where the text has no usable n-gram.
    """
    import numpy as np

    detector, ngrams = extract_ngrams(factory, text)
    if not ngrams:
        return None
    rows: dict[str, Any] = factory.__dict__.setdefault(_LOG_ROWS, {})
    weight = detector.alpha / detector.BASE_FREQ
    found = []
    for word in ngrams:
        row = rows.get(word)
        if row is None:
            row = rows[word] = np.log(weight + np.array(detector.word_lang_prob_map[word], dtype=np.float64))
        found.append(row)
    total = np.add.reduce(np.array(found), axis=0)  # one deterministic (pairwise) sum per language
    return [float(v) for v in total]


_WORDS = "_polyglot_news_words"  # attribute of the factory: word -> its n-grams (see _word_ngrams)
_WORD_CACHE_SIZE = 200_000  # words whose n-grams are kept (a bounded, deterministic memo)


def extract_ngrams(factory: Any, text: str) -> tuple[Any, list[str]]:
    """A fresh detector of ``factory`` and the n-grams langdetect would extract from ``text``.

    langdetect walks the whole text character by character (most of the cost on a long article).
    Its n-gram buffer starts afresh after every space, so the n-grams of space-separated words are
    each word's own, in order: they are kept per word and joined. Where that could differ (a URL or
    e-mail address, double or edge spaces, text over langdetect's length limit, Latin letters its
    cleaning would strip, a word its Vietnamese normalisation changes) langdetect's own code runs.
    """
    detector = factory.create()
    found = _joined_ngrams(factory, detector, text)
    if found is not None:
        return detector, found
    detector.append(text)
    detector.cleaning_text()
    return detector, detector._extract_ngrams()


def _joined_ngrams(factory: Any, detector: Any, text: str) -> list[str] | None:
    if not text or len(text) > detector.max_text_length or "@" in text or "://" in text:
        return None
    words = text.split(" ")
    if "" in words:
        return None
    cache: dict[str, Any] = factory.__dict__.setdefault(_WORDS, {})
    latin = other = 0
    out: list[str] = []
    for i, word in enumerate(words):
        entry = cache.get(word)
        if entry is None:
            entry = _word_ngrams(detector, word)
            if len(cache) < _WORD_CACHE_SIZE:
                cache[word] = entry
        if entry is False:
            return None
        body, tail, word_latin, word_other = entry
        latin += word_latin
        other += word_other
        out += body
        if i < len(words) - 1:
            out += tail
    if latin and latin * 2 < other:  # langdetect's cleaning would strip the Latin letters
        return None
    return out


def _word_ngrams(detector: Any, word: str) -> Any:
    """(n-grams of the word, n-grams its following space adds, Latin letters, other letters) as
    langdetect's ``cleaning_text`` and ``_extract_ngrams`` count them; False where it cannot tell."""
    from langdetect.utils.ngram import NGram  # type: ignore[import-untyped]
    from langdetect.utils.unicode_block import unicode_block  # type: ignore[import-untyped]

    if NGram.normalize_vi(word) != word:
        return False
    latin = sum(1 for ch in word if "A" <= ch <= "z")
    other = sum(
        1 for ch in word if not "A" <= ch <= "z" and ch >= "\u0300" and unicode_block(ch) != "Latin Extended Additional"
    )
    ngram = NGram()
    found: list[list[str]] = [[], []]
    for part, chars in enumerate((word, " ")):
        for ch in chars:  # langdetect 1.0.9's Detector._extract_ngrams, one character at a time
            ngram.add_char(ch)
            if ngram.capitalword:
                continue
            for n in range(1, NGram.N_GRAM + 1):
                if len(ngram.grams) < n:
                    break
                gram = ngram.grams[-n:]
                if gram and gram != " " and gram in detector.word_lang_prob_map:
                    found[part].append(gram)
    return found[0], found[1], latin, other
