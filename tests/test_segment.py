"""Sentence/word segmentation and marker attachment: golden sets and property tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyglot_news.citations import extract
from polyglot_news.parse import parse_article
from polyglot_news.segment import Tokenizer, sentence_spans, split_sentences

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "belarus_us_relations.txt"
GOLDEN: list[dict[str, Any]] = [
    json.loads(line) for line in (DATA / "segmentation_golden.jsonl").read_text(encoding="utf-8").splitlines()
]


def test_golden_set_size() -> None:
    langs = {item["lang"] for item in GOLDEN}
    assert len(GOLDEN) >= 40
    assert langs == {"en", "ru", "be", "uk"}


@pytest.mark.parametrize("item", GOLDEN, ids=[item["id"] for item in GOLDEN])
def test_golden_sentences(item: dict[str, Any]) -> None:
    sentences = split_sentences([item["text"]], item["lang"])
    assert [s.text for s in sentences] == item["sentences"]
    assert [s.index for s in sentences] == list(range(len(sentences)))
    expected_markers = [m.text for s in item["sentences"] for m in extract(s)[1]]
    assert [m.text for s in sentences for m in s.markers] == expected_markers


def test_example_article_sentences() -> None:
    expected = json.loads((DATA / "belarus_us_relations.sentences.json").read_text(encoding="utf-8"))
    article = parse_article(EXAMPLE.read_text(encoding="utf-8"))
    sentences = split_sentences(article.paragraphs, "en")
    assert [{"text": s.text, "markers": [m.text for m in s.markers]} for s in sentences] == expected["sentences"]
    assert len(sentences) == 26
    assert [s.index for s in sentences] == list(range(26))


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("It was near Washington [1]. Next one.", [("It was near Washington.", ["[1]"]), ("Next one.", [])]),
        ("It was near Washington. [1] Next one.", [("It was near Washington.", ["[1]"]), ("Next one.", [])]),
        ("It was near Washington.[1] Next one.", [("It was near Washington.", ["[1]"]), ("Next one.", [])]),
        ("It was near Washington. [1]", [("It was near Washington.", ["[1]"])]),
        ("[2] It opens with one. Next.", [(" It opens with one.", ["[2]"]), ("Next.", [])]),
        ("In the U.S.[3] The firm grew.", [("In the U.S.", ["[3]"]), ("The firm grew.", [])]),
        ("Done.[1][2] Then more [3], [4].", [("Done.", ["[1]", "[2]"]), ("Then more.", ["[3]", "[4]"])]),
    ],
)
def test_marker_attachment(paragraph: str, expected: list[tuple[str, list[str]]]) -> None:
    sentences = split_sentences([paragraph])
    assert [(s.plain, [m.text for m in s.markers]) for s in sentences] == expected
    assert " ".join(s.text for s in sentences) == paragraph


def test_markers_only_paragraph_joins_previous_sentence() -> None:
    sentences = split_sentences(["First paragraph ends here.", "[7]", "Second paragraph."])
    assert [(s.text, s.index) for s in sentences] == [
        ("First paragraph ends here.[7]", 0),
        ("Second paragraph.", 1),
    ]


@pytest.mark.parametrize(
    "paragraph",
    ["[1].", "— [1].", "[1]. [2]", "…[3]!", "[1], [2]."],
)
def test_a_paragraph_without_words_keeps_its_markers_where_they_stand(paragraph: str) -> None:
    # Not ``.[1]``: a marker before the full stop stays before it.
    sentences = split_sentences([paragraph])
    assert [s.text for s in sentences] == [paragraph.strip()]


def test_empty_paragraphs_give_no_sentences() -> None:
    assert split_sentences(["", "   "]) == []


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("One. Two.", [(0, 4), (5, 9)]),
        ("  Padded.  ", [(2, 9)]),
        ("First block\n\nsecond block", [(0, 11), (13, 25)]),
        ("Wait... what? Yes.", [(0, 13), (14, 18)]),
    ],
)
def test_sentence_spans(text: str, spans: list[tuple[int, int]]) -> None:
    assert sentence_spans(text) == spans


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # Slavic month abbreviations between a day and a year, or before a year.
        ("Заседание прошло 1 янв. 2024 г. в Минске. Оно было коротким.",
         ["Заседание прошло 1 янв. 2024 г. в Минске.", "Оно было коротким."]),
        ("Указ подписан 30 сент. 2023 г. и вступил в силу.", ["Указ подписан 30 сент. 2023 г. и вступил в силу."]),
        ("Сход адбыўся 3 ліст. 2023 г. у Гродне. Ён быў шумным.",
         ["Сход адбыўся 3 ліст. 2023 г. у Гродне.", "Ён быў шумным."]),
        ("У лист. 2022 р. ціни зросли. Потім упали.", ["У лист. 2022 р. ціни зросли.", "Потім упали."]),
        # ``лист``/``ліст`` are also words: a number alone after them still starts a sentence.
        ("Он подписал лист. 12 человек ушли.", ["Он подписал лист.", "12 человек ушли."]),
        # Amounts end a sentence before a capitalised word, not before an initialism.
        ("Цена — 100 млн руб. Сделка закрыта.", ["Цена — 100 млн руб.", "Сделка закрыта."]),
        ("Курс — 40 грн. Він не змінився.", ["Курс — 40 грн.", "Він не змінився."]),
        ("Кошт склаў 5 тыс. руб. Гэта шмат.", ["Кошт склаў 5 тыс. руб.", "Гэта шмат."]),
        ("Пришли 5 тыс. человек. Потом ещё.", ["Пришли 5 тыс. человек.", "Потом ещё."]),
        ("Выделено 5 млн долл. США в год.", ["Выделено 5 млн долл. США в год."]),
        ("Зібрали 3 тис. гривень.", ["Зібрали 3 тис. гривень."]),
        ("Долг — 1 млрд руб. 200 млн из них просрочены.", ["Долг — 1 млрд руб. 200 млн из них просрочены."]),
        ("Выручка — 7 млн руб. [4] Прибыль выросла.", ["Выручка — 7 млн руб. [4]", "Прибыль выросла."]),
    ],
)
def test_abbreviation_rules(text: str, sentences: list[str]) -> None:
    assert [s.text for s in split_sentences([text], "ru")] == sentences


@pytest.mark.parametrize(
    ("language", "sentence", "words"),
    [
        ("en", "Don't stop the well-known S-400s [1].", ("Don't", "stop", "the", "well-known", "S-400s")),
        ("en", "Growth was 3.5% or 1,000.50 units.", ("Growth", "was", "3.5", "or", "1,000.50", "units")),
        ("be", "Сям'я купіла хлеб, ці не?", ("Сям'я", "купіла", "хлеб", "ці", "не")),
        ("uk", "М’ясо — дороге!", ("М’ясо", "дороге")),
        ("ru", "«Да», — сказал он [2–5].", ("Да", "сказал", "он")),
    ],
)
def test_to_words(language: str, sentence: str, words: tuple[str, ...]) -> None:
    tokenizer = Tokenizer(language)
    assert tokenizer.language == language
    assert tokenizer.to_words(sentence) == words


def test_to_sentences_keeps_markers() -> None:
    tokenizer = Tokenizer("en")
    assert tokenizer.to_sentences("Mr. Smith left [1]. He returned.[2] Fine.") == (
        "Mr. Smith left [1].",
        "He returned.[2]",
        "Fine.",
    )


# --- property tests -------------------------------------------------------------------------

WORDS = [
    *("minister", "talks", "country", "policy", "report", "market", "budget", "village"),
    *("министр", "переговоры", "страна", "доклад", "рынок", "бюджет", "деревня"),
    *("міністр", "перамовы", "краіна", "даклад", "рынак", "бюджэт", "вёска", "сям'я"),
    *("переговори", "країна", "доповідь", "ринок", "село", "м'ясо"),
]

NUMBER = st.integers(min_value=1, max_value=60)
MARKER = st.one_of(
    NUMBER.map(lambda n: f"[{n}]"),
    st.tuples(NUMBER, NUMBER).map(lambda p: f"[{p[0]}, {p[1]}]"),
    st.tuples(NUMBER, NUMBER).map(lambda p: f"[{p[0]},{p[1]}]"),
    st.tuples(NUMBER, NUMBER).map(lambda p: f"[{min(p)}–{max(p)}]"),
    st.tuples(NUMBER, NUMBER).map(lambda p: f"[{min(p)}-{max(p)}]"),
    st.tuples(NUMBER, NUMBER).map(lambda p: f"[{min(p)}]–[{max(p)}]"),
    NUMBER.map(lambda n: f"[n {n}]"),
    st.sampled_from(["[a]", "[b]", "[citation needed]"]),
    st.tuples(NUMBER, NUMBER).map(lambda p: f"[{p[0]}]: {p[1] * 3}"),
)
LETTER_NOTE = {"[a]", "[b]"}


@st.composite
def marker_run(draw: st.DrawFn, glued_to_word: bool) -> tuple[str, list[str]]:
    """A run of 1-3 markers with its separators; returns (text, marker texts)."""
    markers = draw(st.lists(MARKER, min_size=1, max_size=3))
    if glued_to_word and markers[0] in LETTER_NOTE:
        markers[0] = "[1]"  # a letter glued to a word is an index (``array[i]``), not a note
    out = markers[0]
    for marker in markers[1:]:
        out += draw(st.sampled_from(["", ", "])) + marker
    return out, markers


@st.composite
def sentence(draw: st.DrawFn) -> tuple[str, list[str]]:
    """One sentence with markers in allowed positions; returns (text, its markers in order)."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=8))
    words[0] = words[0][0].upper() + words[0][1:]
    parts: list[str] = []
    found: list[str] = []
    for i, word in enumerate(words):
        parts.append(word if i == 0 else " " + word)
        if i < len(words) - 1 and draw(st.integers(0, 4)) == 0:
            glued = draw(st.booleans())
            text, markers = draw(marker_run(glued))
            comma = "," if draw(st.booleans()) else ""
            parts.append(comma + ("" if glued else " ") + text)
            found += markers
    final = draw(st.sampled_from([".", "?", "!", "?!"]))
    where = draw(st.sampled_from(["none", "before", "after"]))
    if where == "none":
        parts.append(final)
    else:
        glued = draw(st.booleans())
        text, markers = draw(marker_run(glued and where == "before"))
        space = "" if glued else " "
        parts.append(space + text + final if where == "before" else final + space + text)
        found += markers
    return "".join(parts), found


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(sentence(), min_size=1, max_size=4), min_size=1, max_size=3))
def test_markers_stay_with_their_sentence(paragraphs: list[list[tuple[str, list[str]]]]) -> None:
    texts = [" ".join(text for text, _ in sentences) for sentences in paragraphs]
    expected = [markers for sentences in paragraphs for _, markers in sentences]
    result = split_sentences(texts, "en")
    # Each sentence carries exactly the markers written in it, in order (none moved or lost).
    assert [[m.text for m in s.markers] for s in result] == expected
    # Rendering is lossless, sentence by sentence.
    assert [s.text for s in result] == [text for sentences in paragraphs for text, _ in sentences]
    # Across the body, the multiset and order equal the source's.
    source = [m.text for t in texts for m in extract(t)[1]]
    assert [m.text for s in result for m in s.markers] == source
    assert [s.index for s in result] == list(range(len(result)))
    for s in result:
        assert any(ch.isalnum() for ch in s.plain)  # no sentence made of markers alone
