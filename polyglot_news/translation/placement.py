"""Put a sentence's citation markers back into its translation.

The model never sees a marker: it translates ``Sentence.plain``. Each marker is anchored at
an offset of the source's plain text; here it gets the matching offset in the target.

* A *final* marker (no letter or digit after it in the source) stays sentence-final, on
  the same side of the final punctuation: ``Washington [1].`` gives ``Вашингтона [1].``,
  ``Washington. [1]`` gives ``Вашингтона. [1]``.
* An *inner* marker follows a source word. That word is aligned to a target word with
  the model's cross-attention (target tokens x source tokens, as CTranslate2 returns it);
  the marker goes after the target word, on the same side of the word's trailing
  punctuation as in the source (``Minsk [2],`` vs ``Minsk, [2]``). Without usable attention
  the target word is the one at the same relative position.
* Offsets never decrease, so markers keep their source order even when the alignment
  crosses; the marker texts, their order and the side of the final punctuation each final
  marker is on are checked at the end.

Words here are whitespace-delimited runs; a SentencePiece piece starting with ``▁`` starts
a new one, which is how tokens are mapped to words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from polyglot_news.citations.invariant import check_invariant, final_side
from polyglot_news.document import Marker

__all__ = ["MIN_ATTENTION", "Alignment", "WordTargets", "place", "token_words", "word_targets"]

MIN_ATTENTION = 0.05
"""Below this attention mass on the source word, alignment is not trusted (relative fallback)."""

_WORD = re.compile(r"\S+")
_SPACE = "\u2581"
_BYTE_PIECE = re.compile(r"<0x[0-9A-Fa-f]{2}>")


@dataclass(frozen=True)
class Alignment:
    """What the model saw and produced for one sentence, and its cross-attention.

    ``attention[t][s]`` is the weight target token ``t`` put on source token ``s``. Extra
    columns (an end-of-sentence token) and rows are ignored.
    """

    source_tokens: Sequence[str]
    target_tokens: Sequence[str]
    attention: Sequence[Sequence[float]]


def token_words(tokens: Sequence[str], text: str) -> list[int] | None:
    """Map each SentencePiece token to the index of the whitespace word of ``text`` it belongs to.

    Returns ``None`` when the pieces do not split into the same number of words as ``text``
    (normalization changed the spacing), so the caller falls back to relative placement.
    """
    surfaces: list[str] = []
    for token in tokens:
        if _BYTE_PIECE.fullmatch(token):
            surfaces.append("b")  # a byte of a character: part of the current word
        else:
            surfaces.append(token.replace(_SPACE, " "))
    word = -1
    in_word = False
    result: list[int] = []
    for surface in surfaces:
        for char in surface:
            if char.isspace():
                in_word = False
            elif not in_word:
                in_word = True
                word += 1
        # A token made only of spaces belongs to the word that follows it.
        result.append(word if surface.strip() else word + 1)
    if word + 1 != len(_WORD.findall(text)):
        return None
    return result


@dataclass(frozen=True)
class _Word:
    start: int
    core_end: int  # after the last letter or digit; start if there is none
    end: int


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    for m in _WORD.finditer(text):
        core = m.start()
        for i in range(m.end() - 1, m.start() - 1, -1):
            if text[i].isalnum():
                core = i + 1
                break
        words.append(_Word(m.start(), core, m.end()))
    return words


def _core_end(text: str) -> int:
    """Offset after the last letter or digit of ``text`` (0 when there is none)."""
    for i in range(len(text) - 1, -1, -1):
        if text[i].isalnum():
            return i + 1
    return 0


def _same_side(offset: int, src_core: int, src_end: int, tgt_core: int, tgt_end: int) -> int:
    """Anchor in a target span on the same side of its trailing punctuation as in the source."""
    if offset <= src_core:
        return tgt_core
    if offset >= src_end:
        return tgt_end
    return min(tgt_core + (offset - src_core), tgt_end)


def _source_word(words: Sequence[_Word], offset: int) -> int:
    """Index of the word an inner marker follows (the last word starting before it), or -1."""
    index = -1
    for i, word in enumerate(words):
        if word.start < offset:
            index = i
        else:
            break
    return index


WordTargets = tuple[int | None, ...]
"""For each whitespace word of a source sentence, the target word the model aligned it with
(``None`` where the attention cannot tell): all that :func:`place` takes from the attention."""


def word_targets(alignment: Alignment | None, source_plain: str, target_plain: str) -> WordTargets | None:
    """Reduce an :class:`Alignment` to :data:`WordTargets`, or ``None`` when it is unusable.

    A source word's target is the last target word whose token put its highest attention on
    one of the source word's tokens (the marker follows the whole aligned phrase); failing
    that, the target word with the most attention mass on the source word, if that mass is at
    least :data:`MIN_ATTENTION`. One pass over the matrix serves every word, and the result
    is a few small integers instead of the matrix (the engine keeps only this).
    """
    if alignment is None or not alignment.attention:
        return None
    src_map = token_words(alignment.source_tokens, source_plain)
    tgt_map = token_words(alignment.target_tokens, target_plain)
    if src_map is None or tgt_map is None:
        return None
    words = len(_WORD.findall(source_plain))
    columns: list[list[int]] = [[] for _ in range(words)]
    for s, w in enumerate(src_map):
        if 0 <= w < words:
            columns[w].append(s)
    rows = min(len(alignment.attention), len(tgt_map))
    if rows == 0:
        return None
    best_score: list[dict[int, float]] = [{} for _ in range(words)]
    argmax_hits: list[list[int]] = [[] for _ in range(words)]
    used = [w for w in range(words) if columns[w]]
    for t in range(rows):
        row = alignment.attention[t]
        if len(row) < len(src_map):
            return None
        word = tgt_map[t]
        for w in used:
            mass = sum(row[s] for s in columns[w])
            if mass > best_score[w].get(word, -1.0):
                best_score[w][word] = mass
        top = src_map[max(range(len(src_map)), key=row.__getitem__)]
        if 0 <= top < words:
            argmax_hits[top].append(word)
    targets: list[int | None] = []
    for w in range(words):
        if not columns[w]:
            targets.append(None)
        elif argmax_hits[w]:
            targets.append(max(argmax_hits[w]))
        else:
            found, score = max(best_score[w].items(), key=lambda kv: (kv[1], -kv[0]))
            targets.append(found if score >= MIN_ATTENTION else None)
    return tuple(targets)


def _relative_word(source_plain: str, source_word: _Word, target_words: Sequence[_Word]) -> int:
    """The target word whose end sits at the closest relative position to the source word's."""
    fraction = source_word.end / max(len(source_plain), 1)
    total = max(target_words[-1].end, 1)
    return min(range(len(target_words)), key=lambda j: (abs(target_words[j].end / total - fraction), j))


def place(
    markers: Sequence[Marker],
    source_plain: str,
    target_plain: str,
    alignment: Alignment | WordTargets | None = None,
) -> tuple[Marker, ...]:
    """Return ``markers`` re-anchored in ``target_plain`` (texts, refs, leads and order kept).

    ``alignment`` is the model's attention for the pair, or what :func:`word_targets` made of it.

    Raises:
        CitationError: the result would not carry the source's markers in the same order
            (a bug, never expected).
    """
    if not markers:
        return ()
    src_words = _words(source_plain)
    tgt_words = _words(target_plain)
    src_core, tgt_core = _core_end(source_plain), _core_end(target_plain)
    src_end, tgt_end = len(source_plain.rstrip()), len(target_plain.rstrip())
    offsets: list[int] = []
    targets = alignment if isinstance(alignment, tuple) else None
    reduced = isinstance(alignment, tuple)
    for marker in markers:
        offset = min(max(marker.offset, 0), len(source_plain))
        side = final_side(source_plain, offset)
        index = _source_word(src_words, offset)
        if side == "before":
            target = tgt_core
        elif side is not None:
            target = _same_side(offset, src_core, src_end, tgt_core, tgt_end)
        elif index < 0 or not tgt_words:
            target = 0
        else:
            if not reduced:  # the matrix is read once, for the first inner marker
                matrix = alignment if isinstance(alignment, Alignment) else None
                targets = word_targets(matrix, source_plain, target_plain)
                reduced = True
            j = targets[index] if targets is not None and index < len(targets) else None
            if j is None or j >= len(tgt_words):
                j = _relative_word(source_plain, src_words[index], tgt_words)
            word, tword = src_words[index], tgt_words[j]
            target = _same_side(offset, word.core_end, word.end, tword.core_end, tword.end)
            # An inner marker stays before the target's final letters end (or its final
            # punctuation, where it has no letters), so a final marker's side is kept.
            target = min(target, tgt_core)
        offsets.append(target)
    placed: list[Marker] = []
    floor = 0
    for marker, target in zip(markers, offsets, strict=False):
        floor = max(floor, min(target, len(target_plain)))
        placed.append(replace(marker, offset=floor))
    check_invariant(markers, placed, "marker placement", plains=(source_plain, target_plain))
    return tuple(placed)
