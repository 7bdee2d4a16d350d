"""The single methods: Lead-N and sumy's algorithms, each scoring every sentence by position.

sumy is imported lazily, on the first score, never at import time.
"""

from __future__ import annotations

import functools
import importlib
import math
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from polyglot_news.summarize.words import stemmer, stop_words

#: Method name -> ``"module:Class"`` of its sumy summarizer, imported only when used.
#: ``lead`` (no class) is the Lead-N baseline; ``<algo>-lead`` blends ``<algo>``'s ranking with a
#: position prior (see :data:`LEAD_PRIOR_WEIGHT`); ``auto`` (the default) is described in
#: :mod:`polyglot_news.summarize.auto`: the article's order for short summaries, Reduction's
#: ranking for long ones, boilerplate and near-repeats left out.
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

#: Chosen by ROUGE on news (``benchmarks/summary_bench.py``): never below Lead-N on news, as good
#: as the best single method on long extractive summaries.
DEFAULT_METHOD: str = "auto"

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


class WordTokenizer(Protocol):
    """What sumy needs from a tokenizer; ``polyglot_news.segment.Tokenizer`` provides it."""

    def to_words(self, sentence: str) -> tuple[str, ...]: ...

    def to_sentences(self, paragraph: str) -> tuple[str, ...]: ...


def check_method(method: str) -> None:
    """Raise ``ValueError`` naming the choices unless ``method`` is a key of :data:`METHODS`."""
    if method not in METHODS:
        known = ", ".join(sorted(METHODS))
        raise ValueError(f"unknown summary method {method!r}; choose one of: {known}")


def method_scores(sentences: Sequence[str], language: str, tokenizer: WordTokenizer, method: str) -> list[float]:
    """Score every sentence with a single method or a fixed blend (not ``auto``); higher is better.

    Sumy methods score only the first :data:`MAX_RANKED` sentences (:data:`MAX_RANKED_KL` for
    ``kl``); the rest score ``-inf``, below every ranked one.
    """
    n = len(sentences)
    if method == "lead":
        return [float(n - i) for i in range(n)]
    scores = sumy_scores(sentences, language, tokenizer, method)
    if method.endswith(_LEAD_SUFFIX):
        return position_blend(scores, LEAD_PRIOR_WEIGHT)
    return scores


def sumy_scores(sentences: Sequence[str], language: str, tokenizer: WordTokenizer, method: str) -> list[float]:
    """``method``'s sumy rating of every sentence, by position (``-inf`` past the cap)."""
    limit = MAX_RANKED_KL if method == "kl" else MAX_RANKED
    scores = _sumy_scores(sentences[:limit], language, tokenizer, METHODS[method])
    return scores + [-math.inf] * (len(sentences) - len(scores))


def position_blend(algo_scores: Sequence[float], weight: float) -> list[float]:
    """Blend an algorithm's ranking with the position ranking: ``weight`` on position.

    The score is minus the weighted mean of the two ranks (0 = best), so ``weight`` 0 keeps the
    algorithm's order, 1 is Lead-N, 0.5 a Borda count. Unranked sentences (``-inf``, past the
    cap) keep scoring below every ranked one.
    """
    algo_rank = ranks(algo_scores)
    return [-((1.0 - weight) * algo_rank[i] + weight * i) for i in range(len(algo_scores))]


def ranks(scores: Sequence[float]) -> list[int]:
    """Rank position of each score (0 = best), ties by source order."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    rank = [0] * len(scores)
    for position, i in enumerate(order):
        rank[i] = position
    return rank


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
