"""Extractive summaries: pick sentence indices with a sumy algorithm, Lead-N, or a blend.

The caller splits the text; this module only ranks the given sentences and returns the chosen
indices in source order. sumy is imported lazily, on the first summary, never at import time.
The default, ``auto``, adapts its position prior to the requested length; its two constants
were derived by ROUGE on real news (see :data:`AUTO_LEAD_WEIGHT` and
``benchmarks/summary_bench.py --derive``).
"""

from __future__ import annotations

import functools
import importlib
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

#: Method name -> ``"module:Class"`` of its sumy summarizer, imported only when used.
#: ``lead`` (no class) is the Lead-N baseline; ``<algo>-lead`` blends ``<algo>``'s ranking with a
#: position prior (see :data:`LEAD_PRIOR_WEIGHT`); ``auto`` blends Reduction's ranking with a
#: position prior whose weight depends on the requested length (see :data:`AUTO_LEAD_WEIGHT`).
METHODS: dict[str, str] = {
    "auto": "sumy.summarizers.reduction:ReductionSummarizer",
    "lead": "",
    "lexrank": "sumy.summarizers.lex_rank:LexRankSummarizer",
    "textrank": "sumy.summarizers.text_rank:TextRankSummarizer",
    "lsa": "sumy.summarizers.lsa:LsaSummarizer",
    "luhn": "sumy.summarizers.luhn:LuhnSummarizer",
    "edmundson": "sumy.summarizers.edmundson:EdmundsonSummarizer",
    "kl": "sumy.summarizers.kl:KLSummarizer",
    "sumbasic": "sumy.summarizers.sum_basic:SumBasicSummarizer",
    "reduction": "sumy.summarizers.reduction:ReductionSummarizer",
    "lexrank-lead": "sumy.summarizers.lex_rank:LexRankSummarizer",
    "textrank-lead": "sumy.summarizers.text_rank:TextRankSummarizer",
    "reduction-lead": "sumy.summarizers.reduction:ReductionSummarizer",
}

#: Chosen by ROUGE on news (``benchmarks/summary_bench.py``): a short request leans on the
#: article's lead as Lead-N does, a long one ranks as Reduction does (the best long-summary method).
DEFAULT_METHOD: str = "auto"

#: ``auto``'s position-prior weight for a vanishingly short request (ratio -> 0). The weight
#: falls linearly with the requested ratio ``r = wanted / sentences``:
#: ``w = AUTO_LEAD_WEIGHT * max(0, 1 - r / AUTO_LEAD_UNTIL_RATIO)``, and the sentence score is
#: ``-((1 - w) * reduction_rank + w * position)``. Both constants come from one coarse grid on
#: eval-dev (``benchmarks/summary_bench.py --derive``): weight 0.50-1.00 and ratio 0.10-0.60 in
#: steps of 0.05; each cell scored by the mean over the five sets (BBC, CNN, XL-Sum en/ru/uk) of
#: its ROUGE-1 minus the best single method's; the cell kept is the best of the grid smoothed over
#: its 3 x 3 neighbourhood (a plateau, not a spike); leave-one-set-out choices land beside it.
AUTO_LEAD_WEIGHT: float = 0.8

#: The requested ratio from which ``auto`` ignores position and ranks as Reduction does.
AUTO_LEAD_UNTIL_RATIO: float = 0.35

#: Bumped whenever ``auto``'s algorithm or constants change, so digest signatures change too.
AUTO_VERSION: int = 1

#: Summary length when neither ``count`` nor ``ratio`` is given (the Lead-3 convention).
DEFAULT_COUNT: int = 3

#: Weight of the position rank in ``<algo>-lead`` methods; the algorithm's rank gets the rest.
#: 0.5 is a plain Borda count of the two rankings: no tuned parameter.
LEAD_PRIOR_WEIGHT: float = 0.5

#: Sumy methods rank at most this many sentences: the first ones, in source order. Graph methods
#: (LexRank, TextRank, Reduction) build an n x n similarity matrix, LSA a singular value
#: decomposition, SumBasic a greedy pass per sentence; 500 costs seconds, a 5 MiB dump would
#: cost hours. The first sentences rather than a sample: news puts its substance first, and a
#: prefix keeps the similarity graph of a real passage. Later sentences are never chosen ahead of
#: a ranked one; they only fill a summary asked to be longer than this, in source order. News
#: articles have under 200 sentences, far below the cap, so their summaries do not change.
MAX_RANKED: int = 500

#: The cap for ``kl``, whose greedy KL-divergence search is cubic in the sentence count
#: (about 2 s for 250 sentences, 12 s for 500).
MAX_RANKED_KL: int = 250

_LEAD_SUFFIX = "-lead"

# ISO 639-1 code -> (aliases, sumy/Snowball stemmer language or None).
_LANGUAGES: dict[str, tuple[frozenset[str], str | None]] = {
    "en": (frozenset({"en", "eng", "english"}), "english"),
    "ru": (frozenset({"ru", "rus", "russian"}), "russian"),
    "uk": (frozenset({"uk", "ukr", "ukrainian"}), "ukrainian"),
    "be": (frozenset({"be", "bel", "belarusian", "belarussian"}), None),
}


class WordTokenizer(Protocol):
    """What sumy needs from a tokenizer; ``polyglot_news.segment.Tokenizer`` provides it."""

    def to_words(self, sentence: str) -> tuple[str, ...]: ...

    def to_sentences(self, paragraph: str) -> tuple[str, ...]: ...


def summarize(
    sentences: Sequence[str],
    language: str,
    tokenizer: WordTokenizer,
    *,
    method: str = DEFAULT_METHOD,
    count: int | None = None,
    ratio: float | None = None,
) -> list[int]:
    """Select sentences for an extractive summary.

    Args:
        sentences: the body sentences, already split, in source order.
        language: an ISO 639-1 code or English name; unknown languages work without stop
            words or stemming.
        tokenizer: splits a sentence into words (sumy calls ``to_words``).
        method: a key of :data:`METHODS`.
        count: number of sentences to keep (at least 1).
        ratio: share of the sentences to keep, in (0, 1]; rounded half up, at least 1.
            Give ``count`` or ``ratio``, not both; with neither, :data:`DEFAULT_COUNT`.

    Returns:
        The chosen indices into ``sentences``, ascending. Ties go to the earlier sentence,
        so the result is deterministic. Fewer sentences than asked returns them all. A sentence
        whose text (whitespace aside) repeats one already chosen is skipped, the earlier choice
        kept, unless the distinct sentences are fewer than asked: then the best repeats fill up.
        Long texts rank only their first :data:`MAX_RANKED` sentences (see there).

    Raises:
        ValueError: unknown method, both or invalid ``count`` / ``ratio``.
    """
    wanted = summary_length(len(sentences), count=count, ratio=ratio)
    _check_method(method)
    if wanted >= len(sentences):
        return list(range(len(sentences)))
    scores = sentence_scores(sentences, language, tokenizer, method=method, wanted=wanted)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return sorted(_pick_distinct(order, sentences, wanted))


def summary_length(total: int, *, count: int | None = None, ratio: float | None = None) -> int:
    """Return how many of ``total`` sentences a summary keeps (see :func:`summarize`)."""
    if count is not None and ratio is not None:
        raise ValueError("give a sentence count or a ratio, not both")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"sentence count must be a whole number >= 1, got {count!r}")
        return min(count, total)
    if ratio is not None:
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)):
            raise ValueError(f"ratio must be a number in (0, 1], got {ratio!r}")
        if not 0.0 < ratio <= 1.0 or math.isnan(ratio):
            raise ValueError(f"ratio must be in (0, 1], got {ratio!r}")
        return min(total, max(1, math.floor(ratio * total + 0.5)))
    return min(DEFAULT_COUNT, total)


def sentence_scores(
    sentences: Sequence[str],
    language: str,
    tokenizer: WordTokenizer,
    *,
    method: str = DEFAULT_METHOD,
    wanted: int | None = None,
) -> list[float]:
    """Score every sentence with ``method`` (higher is better), one score per position.

    ``wanted`` is the summary length the scores are for (default :data:`DEFAULT_COUNT`); only
    ``auto`` depends on it. Sumy methods score only the first :data:`MAX_RANKED` sentences
    (:data:`MAX_RANKED_KL` for ``kl``); the rest score below every ranked one, in source order.
    """
    _check_method(method)
    n = len(sentences)
    if n == 0:
        return []
    lead = [float(n - i) for i in range(n)]
    if method == "lead":
        return lead
    limit = MAX_RANKED_KL if method == "kl" else MAX_RANKED
    algo_scores = _sumy_scores(sentences[:limit], language, tokenizer, METHODS[method])
    algo_scores += [-math.inf] * (n - len(algo_scores))
    if method == "auto":
        k = summary_length(n, count=DEFAULT_COUNT if wanted is None else wanted)
        return position_blend(algo_scores, auto_lead_weight(k / n))
    if not method.endswith(_LEAD_SUFFIX):
        return algo_scores
    return position_blend(algo_scores, LEAD_PRIOR_WEIGHT)


def auto_lead_weight(ratio: float) -> float:
    """``auto``'s position-prior weight for a summary of ``ratio`` of the sentences."""
    return AUTO_LEAD_WEIGHT * max(0.0, 1.0 - ratio / AUTO_LEAD_UNTIL_RATIO)


def position_blend(algo_scores: Sequence[float], weight: float) -> list[float]:
    """Blend an algorithm's ranking with the position ranking: ``weight`` on position.

    The score is minus the weighted mean of the two ranks (0 = best), so ``weight`` 0 keeps the
    algorithm's order, 1 is Lead-N, 0.5 a Borda count. Unranked sentences (``-inf``, past the
    cap) keep scoring below every ranked one.
    """
    algo_rank = _ranks(algo_scores)
    return [-((1.0 - weight) * algo_rank[i] + weight * i) for i in range(len(algo_scores))]


def signature_name(method: str) -> str:
    """The method's name in a digest signature: ``auto`` carries :data:`AUTO_VERSION`."""
    _check_method(method)
    return f"auto.v{AUTO_VERSION}" if method == "auto" else method


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


def _check_method(method: str) -> None:
    if method not in METHODS:
        known = ", ".join(sorted(METHODS))
        raise ValueError(f"unknown summary method {method!r}; choose one of: {known}")


def _pick_distinct(order: Sequence[int], sentences: Sequence[str], wanted: int) -> list[int]:
    """The first ``wanted`` of ``order`` whose texts differ; repeats fill up if too few differ."""
    chosen: list[int] = []
    repeats: list[int] = []
    seen: set[str] = set()
    for i in order:
        text = " ".join(sentences[i].split())
        if text in seen:
            repeats.append(i)
            continue
        seen.add(text)
        chosen.append(i)
        if len(chosen) == wanted:
            return chosen
    return chosen + repeats[: wanted - len(chosen)]


def _ranks(scores: Sequence[float]) -> list[int]:
    """Rank position of each score (0 = best), ties by source order."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    ranks = [0] * len(scores)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


@functools.cache
def _read_stop_words(code: str) -> frozenset[str]:
    path = Path(__file__).parent / "data" / "stopwords" / f"{code}.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w.lower() for w in words)


@functools.cache
def _load_class(path: str) -> Any:
    module, _, name = path.partition(":")
    cls = getattr(importlib.import_module(module), name)
    if not hasattr(cls, "_create_dictionary"):
        return cls

    class _SortedDictionary(cls):  # type: ignore[misc, valid-type]
        """LSA with its term rows in sorted order, not set order.

        sumy numbers the terms by iterating a frozenset, whose order changes with the hash
        seed; with tied singular values the truncated SVD then ranks differently per process.
        """

        def _create_dictionary(self, document: Any) -> dict[str, int]:
            words = super()._create_dictionary(document)
            return {w: i for i, w in enumerate(sorted(words))}

    return _SortedDictionary


@functools.lru_cache(maxsize=1)
def _sentence_class() -> Any:
    """A sumy Sentence compared by identity, so identical sentences stay separate items."""
    from sumy.models.dom import Sentence  # type: ignore[import-untyped]

    class _DistinctSentence(Sentence):  # type: ignore[misc]
        __slots__ = ()
        __eq__ = object.__eq__
        __ne__ = object.__ne__
        __hash__ = object.__hash__

    return _DistinctSentence


def _sumy_scores(
    sentences: Sequence[str], language: str, tokenizer: WordTokenizer, class_path: str
) -> list[float]:
    """Run a sumy summarizer and read back its rating of every sentence, by position."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph

    sentence_class = _sentence_class()
    items = [sentence_class(text, tokenizer) for text in sentences]
    position = {id(item): i for i, item in enumerate(items)}
    document = ObjectDocumentModel([Paragraph(items)])
    summarizer = _build(class_path, language, document)
    captured: list[Any] = []

    def keep_all(infos: Sequence[Any]) -> Sequence[Any]:
        # sumy hands its (sentence, order, rating) list to a callable count; keep it all.
        captured.extend(infos)
        return infos

    with warnings.catch_warnings():
        # LSA warns on short texts and numpy on empty rows; neither changes the result's use.
        warnings.simplefilter("ignore")
        summarizer(document, keep_all)
    scores = [0.0] * len(sentences)
    for info in captured:
        # 12 significant digits: identical sentences can differ in the last bit (LSA), and a
        # tie must stay a tie so that the earlier sentence wins it.
        rating = float(f"{float(info.rating):.12g}")
        # LexRank rates a text without content words NaN, which would break the sort.
        scores[position[id(info.sentence)]] = -math.inf if math.isnan(rating) else rating
    return scores


def _build(class_path: str, language: str, document: Any) -> Any:
    summarizer = _load_class(class_path)(stemmer(language))
    words = stop_words(language)
    if hasattr(summarizer, "stop_words"):
        summarizer.stop_words = words
    if hasattr(summarizer, "bonus_words"):
        # Edmundson without user cue words: the text's frequent content words are the bonus,
        # stop words the stigma and the null words. A never-seen word keeps empty sets legal.
        content = Counter(
            w.lower() for s in document.sentences for w in s.words if w.lower() not in words
        )
        summarizer.bonus_words = [w for w, _ in content.most_common(10)] or [""]
        summarizer.stigma_words = words or {""}
        summarizer.null_words = words or {""}
    return summarizer
