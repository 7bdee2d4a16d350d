"""Marker placement into translations: final markers, attention-aligned inner markers, fallbacks."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyglot_news.citations import extract, final_side
from polyglot_news.document import Marker, Sentence
from polyglot_news.translation.placement import MIN_ATTENTION, Alignment, place, token_words, word_targets


def _tokens(plain: str) -> list[str]:
    """One SentencePiece-style token per word."""
    return ["\u2581" + w for w in plain.split()]


def _attention(source: str, target: str, pairs: dict[int, int]) -> Alignment:
    """A one-hot attention matrix: target word t looks at source word pairs[t]; an EOS column."""
    src, tgt = _tokens(source), _tokens(target)
    rows = [[0.0] * (len(src) + 1) for _ in tgt]
    for t in range(len(tgt)):
        rows[t][pairs.get(t, len(src))] = 1.0
    return Alignment(src, tgt, rows)


def _render(marked: str, target: str, pairs: dict[int, int] | None) -> str:
    plain, markers = extract(marked)
    alignment = None if pairs is None else _attention(plain, target, pairs)
    placed = place(markers, plain, target, alignment)
    return Sentence(target, placed).text


CASES = [
    # Final markers keep their side of the final punctuation; no alignment needed.
    ("Talks resumed in Washington [1].", "Переговоры возобновились в Вашингтоне.", None,
     "Переговоры возобновились в Вашингтоне [1]."),
    ("Talks resumed in Washington. [1]", "Переговоры возобновились в Вашингтоне.", None,
     "Переговоры возобновились в Вашингтоне. [1]"),
    ("Talks resumed in Washington.[1]", "Переговоры возобновились в Вашингтоне!", None,
     "Переговоры возобновились в Вашингтоне![1]"),
    ("Talks resumed [1][2].", "Переговоры возобновились.", None, "Переговоры возобновились [1][2]."),
    ("Talks resumed [1], [4].", "Переговоры возобновились.", None, "Переговоры возобновились [1], [4]."),
    ("Talks resumed [1].", "Переговоры возобновились", None, "Переговоры возобновились [1]"),
    ("Talks resumed [1]", "Переговоры возобновились.", None, "Переговоры возобновились [1]."),
    ("He said: \"talks resumed.\" [3]", "Он сказал: «переговоры возобновились».", None,
     "Он сказал: «переговоры возобновились». [3]"),
    ("Talks resumed [1].", "", None, " [1]"),
    ("[1].", ".", None, "[1]."),  # no word at all: still before the full stop
    ("[1]. [2]", "!", None, "[1]! [2]"),
    # Inner markers follow the aligned word, same side of its punctuation as in the source.
    ("Minsk [1] and Vilnius [2] agreed.", "Минск и Вильнюс договорились.", {0: 0, 1: 1, 2: 2, 3: 3},
     "Минск [1] и Вильнюс [2] договорились."),
    ("Minsk [1] and Vilnius [2] agreed [3].", "Вильнюс и Минск договорились.", {0: 2, 1: 1, 2: 0, 3: 3},
     "Вильнюс и Минск [1] [2] договорились [3]."),
    ("In Minsk, [1] officials met.", "В Минске, чиновники встретились.", {0: 0, 1: 1, 2: 2, 3: 3},
     "В Минске, [1] чиновники встретились."),
    ("In Minsk [1], officials met.", "В Минске, чиновники встретились.", {0: 0, 1: 1, 2: 2, 3: 3},
     "В Минске [1], чиновники встретились."),
    ("In Minsk [1] officials met.", "В Минске, чиновники встретились.", {0: 0, 1: 1, 2: 2, 3: 3},
     "В Минске [1], чиновники встретились."),
    ("The United States [1] said no.", "Соединённые Штаты сказали нет.", {0: 1, 1: 2, 2: 3, 3: 4},
     "Соединённые Штаты [1] сказали нет."),
    ("[1] Talks resumed.", "Переговоры возобновились.", {0: 0, 1: 1}, "[1]Переговоры возобновились."),
    # Without attention (or with useless attention) the relative position decides.
    ("Minsk [1] and Vilnius agreed on a plan today.", "Минск и Вильнюс сегодня договорились о плане.", None,
     "Минск [1] и Вильнюс сегодня договорились о плане."),
    ("Minsk and Vilnius agreed [1] on a plan today.", "Минск и Вильнюс договорились о плане сегодня.", None,
     "Минск и Вильнюс договорились [1] о плане сегодня."),
    ("Minsk and Vilnius agreed [1] on a plan today.", "Минск и Вильнюс договорились о плане сегодня.", {},
     "Минск и Вильнюс договорились [1] о плане сегодня."),
]  # fmt: skip


@pytest.mark.parametrize(("marked", "target", "pairs", "expected"), CASES)
def test_place(marked: str, target: str, pairs: dict[int, int] | None, expected: str) -> None:
    assert _render(marked, target, pairs) == expected


@pytest.mark.parametrize(
    ("tokens", "text", "expected"),
    [
        (["\u2581Hello", ",", "\u2581world"], "Hello, world", [0, 0, 1]),
        (["\u2581", "«", "Hi", "»", "\u2581there"], "«Hi» there", [0, 0, 0, 0, 1]),
        (["\u2581", "<0xD0>", "<0x91>", "\u2581a"], "Б a", [0, 0, 0, 1]),
        (["\u2581Hello", "\u2581world"], "Helloworld", None),
        ([], "", []),
    ],
)
def test_token_words(tokens: list[str], text: str, expected: list[int] | None) -> None:
    assert token_words(tokens, text) == expected


def test_multi_token_words_and_mismatched_tokens() -> None:
    source = "Washington [1] agreed."
    plain, markers = extract(source)
    target = "Вашингтон согласился."
    # "▁Wash ington ▁agreed ." vs "▁Ваш ингтон ▁согласился ."; attention crosses on purpose.
    alignment = Alignment(
        ["\u2581Wash", "ington", "\u2581agreed", "."],
        ["\u2581Ваш", "ингтон", "\u2581согласился", "."],
        [[0.1, 0.0, 0.9, 0.0], [0.0, 0.1, 0.9, 0.0], [0.9, 0.1, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]],
    )
    assert Sentence(target, place(markers, plain, target, alignment)).text == "Вашингтон согласился [1]."
    broken = Alignment(["\u2581Washingtonagreed."], alignment.target_tokens, alignment.attention)
    assert Sentence(target, place(markers, plain, target, broken)).text == "Вашингтон [1] согласился."


WORDS = st.sampled_from(["Minsk", "talks", "and", "the", "U.S.", "«quoted»", "2024,", "said", "—", "Вільнюс"])


@st.composite
def marked_sentences(draw: st.DrawFn) -> tuple[str, list[Marker], str, list[list[float]] | None]:
    words = draw(st.lists(WORDS, min_size=1, max_size=12))
    plain = " ".join(words) + draw(st.sampled_from(["", ".", "!", "?\""]))
    offsets = sorted(draw(st.lists(st.integers(0, len(plain)), max_size=5)))
    markers = [Marker(f"[{n + 1}]", (str(n + 1),), o, draw(st.sampled_from(["", " "]))) for n, o in enumerate(offsets)]
    target_words = draw(st.lists(WORDS, max_size=12))
    target = " ".join(target_words) + draw(st.sampled_from(["", ".", "!"]))
    attention = None
    if draw(st.booleans()) and target_words:
        n_src = len(plain.split()) + 1
        attention = [
            [draw(st.floats(0, 1)) for _ in range(n_src)] for _ in range(len(target.split()))
        ]
    return plain, markers, target, attention


@settings(max_examples=300, deadline=None)
@given(marked_sentences())
def test_place_keeps_every_marker_in_order(case: tuple[str, list[Marker], str, list[list[float]] | None]) -> None:
    plain, markers, target, attention = case
    alignment = None if attention is None else Alignment(_tokens(plain), _tokens(target), attention)
    placed = place(markers, plain, target, alignment)
    assert [(m.text, m.refs, m.lead) for m in placed] == [(m.text, m.refs, m.lead) for m in markers]
    offsets = [m.offset for m in placed]
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(target) for o in offsets)
    rendered, starts = Sentence(target, placed).render()
    assert [rendered[s : s + len(m.text)] for s, m in zip(starts, placed, strict=False)] == [m.text for m in markers]
    assert starts == sorted(starts)


def _final(plain: str, markers: Sequence[Marker]) -> list[bool]:
    return [not any(c.isalnum() for c in plain[m.offset :]) for m in markers]


@settings(max_examples=200, deadline=None)
@given(marked_sentences())
def test_final_markers_stay_final(case: tuple[str, list[Marker], str, list[list[float]] | None]) -> None:
    plain, markers, target, _ = case
    placed = place(markers, plain, target)
    was_final, is_final = _final(plain, markers), _final(target, placed)
    assert [i for i, f in enumerate(was_final) if f and not is_final[i]] == []
    if plain.rstrip()[-1:].isalnum() or not target.rstrip() or target.rstrip()[-1].isalnum():
        return
    sides = [(final_side(plain, m.offset), final_side(target, p.offset)) for m, p in zip(markers, placed, strict=True)]
    assert [pair for pair in sides if pair in (("before", "after"), ("after", "before"))] == []


def _one_word(alignment: Alignment, source: str, target: str, word: int) -> int | None:
    """The rule for one source word, written out plainly (the reference :func:`word_targets` must match)."""
    src_map, tgt_map = token_words(alignment.source_tokens, source), token_words(alignment.target_tokens, target)
    if src_map is None or tgt_map is None or not alignment.attention:
        return None
    columns = [s for s, w in enumerate(src_map) if w == word]
    rows = min(len(alignment.attention), len(tgt_map))
    if not columns or rows == 0:
        return None
    best: dict[int, float] = {}
    hits: list[int] = []
    for t in range(rows):
        row = alignment.attention[t]
        if len(row) < len(src_map):
            return None
        mass = sum(row[s] for s in columns)
        best[tgt_map[t]] = max(best.get(tgt_map[t], -1.0), mass)
        if src_map[max(range(len(src_map)), key=row.__getitem__)] == word:
            hits.append(tgt_map[t])
    if hits:
        return max(hits)
    found, score = max(best.items(), key=lambda kv: (kv[1], -kv[0]))
    return found if score >= MIN_ATTENTION else None


@st.composite
def pieces_and_attention(draw: st.DrawFn) -> tuple[str, str, Alignment]:
    words = st.text("abcé", min_size=1, max_size=5)
    source, target = draw(st.lists(words, min_size=1, max_size=6)), draw(st.lists(words, min_size=1, max_size=6))
    src = [("\u2581" if i == 0 or draw(st.booleans()) else "") + w for i, w in enumerate(source)]
    tgt = [("\u2581" if i == 0 or draw(st.booleans()) else "") + w for i, w in enumerate(target)]
    weights = st.sampled_from([0.0, 0.01, 0.04, 0.05, 0.3, 0.3, 0.5, 1.0])
    extra = draw(st.integers(-1, 1))
    rows = [draw(st.lists(weights, min_size=len(src) + extra, max_size=len(src) + extra)) for _ in tgt]
    return "".join(src).replace("\u2581", " ").strip(), "".join(tgt).replace("\u2581", " ").strip(), Alignment(
        src, tgt, rows[: draw(st.integers(0, len(rows)))]
    )


@given(pieces_and_attention())
@settings(max_examples=300, deadline=None)
def test_word_targets_is_the_one_word_rule_for_every_word(case: tuple[str, str, Alignment]) -> None:
    """The engine keeps only word_targets' few integers: they must be what the attention matrix gives, word by word."""
    source, target, alignment = case
    reduced = word_targets(alignment, source, target)
    expected = tuple(_one_word(alignment, source, target, w) for w in range(len(source.split())))
    assert (reduced or tuple(None for _ in expected)) == expected
