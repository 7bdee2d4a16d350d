"""The default method, ``auto``: the article's own order for a short summary, Reduction's for a long one.

Three steps, each measured by ROUGE on news (``benchmarks/summary_bench.py``):

1. Boilerplate (:mod:`polyglot_news.summarize.boilerplate`) scores below every other sentence;
   it only fills a summary asked to be longer than the rest of the article.
2. The other sentences are ranked by a blend of their position and Reduction's ranking
   (:func:`~polyglot_news.summarize.methods.position_blend`); the position's weight depends on
   the share of the article asked for, ``r = wanted / sentences``: 1 up to
   :attr:`AutoParams.lead_until` (the first sentences, as Lead-N: news states its substance
   first), 0 from :attr:`AutoParams.reduction_from` (Reduction alone: a long summary condenses
   the whole text), falling linearly between. Reduction is not run at all when the weight is 1.
3. Sentences are taken best first, skipping a near-repeat: one whose content words are more than
   :attr:`AutoParams.overlap` contained in a sentence already taken (a caption repeating the
   lead, the same fact twice). Skipped sentences fill up only when too few others remain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from polyglot_news.summarize.boilerplate import is_boilerplate
from polyglot_news.summarize.methods import WordTokenizer, position_blend, sumy_scores
from polyglot_news.summarize.words import content_words

#: Bumped whenever ``auto``'s algorithm or constants change, so digest signatures change too.
AUTO_VERSION: int = 2


@dataclass(frozen=True)
class AutoParams:
    """``auto``'s constants; :data:`AUTO` holds the fitted ones (``summary_bench.py --derive``)."""

    lead_until: float
    """Up to this requested share of the sentences, the article's order (Lead-N, boilerplate left out)."""
    reduction_from: float
    """From this share on, Reduction's ranking alone; between the two, a linear blend."""
    overlap: float
    """A sentence sharing more than this part of its content words with one already taken is
    skipped; 1.0 turns the check off."""

    def lead_weight(self, ratio: float) -> float:
        """The position's weight for a summary of ``ratio`` of the sentences."""
        if ratio <= self.lead_until:
            return 1.0
        if ratio >= self.reduction_from:
            return 0.0
        return (self.reduction_from - ratio) / (self.reduction_from - self.lead_until)


#: The constants ``auto`` uses, fitted on eval-dev with cross-validation (see the benchmark).
AUTO = AutoParams(lead_until=0.35, reduction_from=0.375, overlap=0.6)


def auto_scores(
    sentences: Sequence[str],
    language: str,
    tokenizer: WordTokenizer,
    wanted: int,
    params: AutoParams = AUTO,
    *,
    reduction: Sequence[float] | None = None,
) -> list[float]:
    """``auto``'s score of every sentence for a summary of ``wanted`` (higher is better).

    ``reduction`` may hold Reduction's scores of these sentences, already computed.
    """
    n = len(sentences)
    if n == 0:
        return []
    weight = params.lead_weight(wanted / n)
    if weight >= 1.0:
        base = [float(n - i) for i in range(n)]
    else:
        if reduction is None:
            reduction = sumy_scores(sentences, language, tokenizer, "reduction")
        base = position_blend(reduction, weight)
    return [-math.inf if is_boilerplate(text) else base[i] for i, text in enumerate(sentences)]


def auto_choose(
    sentences: Sequence[str], language: str, tokenizer: WordTokenizer, wanted: int, params: AutoParams = AUTO
) -> list[int]:
    """The indices ``auto`` picks for a summary of ``wanted`` sentences, ascending."""
    scores = auto_scores(sentences, language, tokenizer, wanted, params)
    content = content_words((tokenizer.to_words(text) for text in sentences), language)
    return pick(scores, content, sentences, wanted, params.overlap)


def pick(
    scores: Sequence[float],
    content: Sequence[frozenset[str]],
    sentences: Sequence[str],
    wanted: int,
    overlap: float,
) -> list[int]:
    """The best ``wanted`` sentences by score (ties to the earlier one), near-repeats skipped.

    A sentence is a near-repeat when more than ``overlap`` of its content words are in one
    sentence already taken, or its text (whitespace aside) is one already taken. Near-repeats
    fill up, best first, only when the others are too few.
    """
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    repeats: list[int] = []
    seen: set[str] = set()
    for i in order:
        if len(chosen) == wanted:
            break
        text = " ".join(sentences[i].split())
        words = content[i]
        if text in seen or (words and any(len(words & content[j]) > overlap * len(words) for j in chosen)):
            repeats.append(i)
            continue
        seen.add(text)
        chosen.append(i)
    return sorted(chosen + repeats[: wanted - len(chosen)])
