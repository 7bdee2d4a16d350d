"""Extractive summaries: pick sentence indices with a method of :data:`METHODS`.

The caller splits the text; this module only ranks the given sentences and returns the chosen
indices in source order.
"""

from __future__ import annotations

from collections.abc import Sequence

from polyglot_news.summarize.auto import AUTO, AUTO_VERSION, auto_choose, auto_scores
from polyglot_news.summarize.methods import DEFAULT_METHOD, WordTokenizer, check_method, method_scores
from polyglot_news.summarize.request import DEFAULT_COUNT, SummaryRequest


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
        kept, unless the distinct sentences are fewer than asked: then the best repeats fill up
        (``auto`` also skips near-repeats and boilerplate this way). Long texts rank only their
        first :data:`MAX_RANKED` sentences.

    Raises:
        ValueError: unknown method, both or invalid ``count`` / ``ratio``.
    """
    wanted = SummaryRequest(method=method, sentences=count, ratio=ratio).length(len(sentences))
    if wanted >= len(sentences):
        return list(range(len(sentences)))
    if method == "auto":
        return auto_choose(sentences, language, tokenizer, wanted, AUTO)
    scores = method_scores(sentences, language, tokenizer, method)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return sorted(_pick_distinct(order, sentences, wanted))


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
    check_method(method)
    if not sentences:
        return []
    if method == "auto":
        k = min(DEFAULT_COUNT if wanted is None else wanted, len(sentences))
        return auto_scores(sentences, language, tokenizer, k, AUTO)
    return method_scores(sentences, language, tokenizer, method)


def signature_name(method: str) -> str:
    """The method's name in a digest signature: ``auto`` carries :data:`AUTO_VERSION`."""
    check_method(method)
    return f"auto.v{AUTO_VERSION}" if method == "auto" else method


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
