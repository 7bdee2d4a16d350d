"""summarize: every method on en / ru / be text, lengths, ties, duplicates, lazy sumy."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from polyglot_news import summarize as S

# Texts written for these tests (no third-party text).
TEXTS: dict[str, list[str]] = {
    "en": [
        "The city council approved a new budget for public transport on Monday.",
        "The budget adds twenty electric buses and extends two tram lines.",
        "Council members argued for hours about the cost of the tram lines.",
        "A local bakery won a national prize for its rye bread.",
        "The mayor said the transport budget would cut traffic in the centre.",
        "Opposition members said the buses would arrive too late to help.",
        "The weather stayed cold and dry for most of the week.",
        "The transport plan will be reviewed by the council next spring.",
    ],
    "ru": [
        "Городской совет в понедельник утвердил новый бюджет общественного транспорта.",
        "Бюджет добавляет двадцать электробусов и продлевает две трамвайные линии.",
        "Депутаты совета несколько часов спорили о стоимости трамвайных линий.",
        "Местная пекарня получила национальную премию за ржаной хлеб.",
        "Мэр заявил, что транспортный бюджет уменьшит пробки в центре.",
        "Оппозиция заявила, что электробусы прибудут слишком поздно.",
        "Погода почти всю неделю оставалась холодной и сухой.",
        "Совет пересмотрит транспортный план следующей весной.",
    ],
    "be": [
        "Гарадскі савет у панядзелак зацвердзіў новы бюджэт грамадскага транспарту.",
        "Бюджэт дадае дваццаць электробусаў і падаўжае дзве трамвайныя лініі.",
        "Дэпутаты савета некалькі гадзін спрачаліся пра кошт трамвайных ліній.",
        "Мясцовая пякарня атрымала нацыянальную прэмію за жытні хлеб.",
        "Мэр заявіў, што транспартны бюджэт зменшыць заторы ў цэнтры.",
        "Апазіцыя заявіла, што электробусы прыбудуць занадта позна.",
        "Надвор'е амаль увесь тыдзень заставалася халодным і сухім.",
        "Савет перагледзіць транспартны план наступнай вясной.",
    ],
}


class WordSplitter:
    """A minimal tokenizer satisfying summarize.WordTokenizer."""

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(re.findall(r"\w+(?:['’-]\w+)*", sentence))

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)


TOKENIZER = WordSplitter()
CASES = [(m, lang) for m in S.METHODS for lang in TEXTS]


@pytest.mark.parametrize(("method", "language"), CASES)
def test_every_method_picks_the_requested_count_in_source_order(method: str, language: str) -> None:
    chosen = S.summarize(TEXTS[language], language, TOKENIZER, method=method, count=3)
    assert len(chosen) == 3
    assert chosen == sorted(set(chosen))
    assert all(0 <= i < len(TEXTS[language]) for i in chosen)


@pytest.mark.parametrize(("method", "language"), CASES)
def test_every_method_is_deterministic(method: str, language: str) -> None:
    first = S.summarize(TEXTS[language], language, TOKENIZER, method=method, ratio=0.5)
    second = S.summarize(list(TEXTS[language]), language, TOKENIZER, method=method, ratio=0.5)
    assert first == second
    assert len(first) == 4


@pytest.mark.parametrize("method", sorted(S.METHODS))
def test_count_above_the_sentence_count_returns_all(method: str) -> None:
    assert S.summarize(TEXTS["ru"][:3], "ru", TOKENIZER, method=method, count=10) == [0, 1, 2]


@pytest.mark.parametrize(
    ("method", "language", "expected"),
    [
        ("lead", "en", [0, 1, 2]),
        ("lead", "be", [0, 1, 2]),
        ("reduction-lead", "en", [0, 1, 2]),
        ("reduction-lead", "ru", [0, 1, 2]),
        ("reduction-lead", "be", [0, 1, 4]),
    ],
)
def test_known_picks(method: str, language: str, expected: list[int]) -> None:
    assert S.summarize(TEXTS[language], language, TOKENIZER, method=method) == expected


@pytest.mark.parametrize(
    ("total", "count", "ratio", "expected"),
    [
        (8, None, None, 3),
        (2, None, None, 2),
        (0, None, None, 0),
        (8, 2, None, 2),
        (8, 20, None, 8),
        (8, None, 0.5, 4),
        (5, None, 0.5, 3),  # 2.5 rounds half up
        (10, None, 0.01, 1),  # at least one sentence
        (10, None, 1, 10),
        (7, None, 1.0, 7),
    ],
)
def test_summary_length(total: int, count: int | None, ratio: float | None, expected: int) -> None:
    assert S.summary_length(total, count=count, ratio=ratio) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"count": 0},
        {"count": -1},
        {"count": 1.5},
        {"count": True},
        {"count": "3"},
        {"ratio": 0.0},
        {"ratio": 1.5},
        {"ratio": -0.1},
        {"ratio": float("nan")},
        {"ratio": True},
        {"count": 2, "ratio": 0.5},
        {"method": "nope"},
        {"method": "LexRank"},
    ],
)
def test_invalid_arguments_raise_value_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        S.summarize(TEXTS["en"], "en", TOKENIZER, **kwargs)  # type: ignore[arg-type]


def test_no_sentences_gives_no_summary() -> None:
    assert S.summarize([], "en", TOKENIZER) == []
    assert S.sentence_scores([], "en", TOKENIZER) == []


DUPLICATES = [
    "The central bank raised interest rates again.",
    "Weather was sunny in the capital.",
    "The central bank raised interest rates again.",
    "A football match ended in a draw.",
    "Bank officials said rates may rise again next year.",
]


@pytest.mark.parametrize("method", ["luhn", "textrank", "reduction", "kl", "reduction-lead"])
def test_identical_sentences_are_selected_separately(method: str) -> None:
    assert S.summarize(DUPLICATES, "en", TOKENIZER, method=method, count=2) == [0, 2]


@pytest.mark.parametrize("method", ["luhn", "textrank", "reduction", "lexrank", "lsa"])
def test_identical_sentences_score_the_same(method: str) -> None:
    scores = S.sentence_scores(DUPLICATES, "en", TOKENIZER, method=method)
    assert len(scores) == 5
    assert scores[0] == scores[2]


# Edmundson is left out on purpose: its location cue rates a paragraph's last sentence up.
@pytest.mark.parametrize("method", sorted(set(S.METHODS) - {"edmundson"}))
def test_ties_go_to_the_earlier_sentence(method: str) -> None:
    assert S.summarize(["Same words here."] * 5, "en", TOKENIZER, method=method, count=2) == [0, 1]


@pytest.mark.parametrize("method", sorted(S.METHODS))
def test_sentences_without_words_do_not_break_a_method(method: str) -> None:
    sentences = ["...", "— —", "The council met on Monday.", "!!!", "It voted on the budget."]
    chosen = S.summarize(sentences, "en", TOKENIZER, method=method, count=2)
    assert len(chosen) == 2
    assert chosen == sorted(chosen)


@pytest.mark.parametrize("method", ["lexrank", "edmundson", "reduction-lead"])
def test_unknown_language_still_works(method: str) -> None:
    chosen = S.summarize(TEXTS["en"], "xx", TOKENIZER, method=method, count=2)
    assert len(chosen) == 2


@pytest.mark.parametrize(
    ("language", "code"),
    [("en", "en"), ("English", "en"), ("rus", "ru"), ("ukrainian", "uk"), ("BE", "be"), ("de", None)],
)
def test_language_code(language: str, code: str | None) -> None:
    assert S.language_code(language) == code


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        ("en", ("the", "and", "of"), ("budget",)),
        ("ru", ("и", "что", "это", "её"), ("бюджет",)),
        ("uk", ("і", "що", "він", "із"), ("бюджет",)),
        ("be", ("і", "што", "ў", "гэта", "яшчэ"), ("бюджэт",)),
        ("xx", (), ("the",)),
    ],
)
def test_stop_words(language: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    words = S.stop_words(language)
    assert all(w in words for w in present)
    assert not any(w in words for w in absent)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("рэспубліка", "рэспублік"),
        ("Рэспублікі", "рэспублік"),
        ("беларускай", "беларуск"),
        ("беларускі", "беларуск"),
        ("ўрад", "урад"),
        ("урада", "урад"),
        ("дзяржава", "дзяржав"),
        ("мір", "мір"),
    ],
)
def test_belarusian_stemmer(word: str, stem: str) -> None:
    assert S.stem_belarusian(word) == stem


def test_registry_and_default() -> None:
    assert S.DEFAULT_METHOD in S.METHODS
    assert {"lexrank", "textrank", "lsa", "luhn", "edmundson", "kl", "sumbasic", "lead"} <= set(
        S.METHODS
    )


def test_importing_summarize_does_not_import_sumy() -> None:
    probe = (
        "import sys, json\n"
        "import polyglot_news.summarize as s\n"
        "assert s.METHODS and s.DEFAULT_METHOD\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert [m for m in loaded if m.split(".")[0] in ("sumy", "nltk", "numpy")] == []
