"""Synthetic citation markers for evaluation, and whether they survive translation."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

from polyglot_news.citations.grammar import extract
from polyglot_news.document import Marker, Sentence, Translated
from polyglot_news.errors import CitationError

_MARKER_END = "[1]"
_MARKER_INNER = "[2]"
_INNER_WORD = re.compile(r"\w+(?=[\s,;:])")
# ---------------------------------------------------------------- markers


def inject_markers(sentences: Sequence[Sentence], seed: int = 0) -> list[Sentence]:
    """Copies of ``sentences`` with synthetic citation markers, the same for the same seed.

    Every sentence gets ``[1]`` at its very end; a seeded half of them also get ``[2]``
    right after a random inner word (one followed by a space or ``,;:``). Markers a sentence
    already has are kept, in order.
    """
    rng = random.Random(seed)
    chosen = set(rng.sample(range(len(sentences)), len(sentences) // 2))
    out: list[Sentence] = []
    for i, sentence in enumerate(sentences):
        added = [Marker(_MARKER_END, ("1",), len(sentence.plain))]
        words = list(_INNER_WORD.finditer(sentence.plain))
        if i in chosen and words:
            added.append(Marker(_MARKER_INNER, ("2",), words[rng.randrange(len(words))].end()))
        markers = sorted([*sentence.markers, *added], key=lambda m: m.offset)  # stable: old ones first
        out.append(Sentence(sentence.plain, tuple(markers), sentence.index))
    return out


def marker_texts(text: str) -> list[str]:
    """The markers a reader sees in ``text``, in order (``["[1]", "[2]"]``)."""
    return [m.text for m in extract(text)[1]]


def end_in_place(sentence: Sentence) -> bool:
    """True when the last marker is ``[1]`` and no letter or digit follows it."""
    if not sentence.markers or sentence.markers[-1].text != _MARKER_END:
        return False
    return not any(ch.isalnum() for ch in sentence.plain[sentence.markers[-1].offset :])


Translate = Callable[[Sequence[Sentence]], list[Translated]]


def tolerant(translate: Translate, sentences: Sequence[Sentence]) -> list[Translated | None]:
    """Translate; where the engine raises CitationError, halve the batch to find the culprits."""
    if not sentences:
        return []
    try:
        return list(translate(sentences))
    except CitationError:
        if len(sentences) == 1:
            return [None]
        middle = len(sentences) // 2
        return tolerant(translate, sentences[:middle]) + tolerant(translate, sentences[middle:])


