"""summarize: every method on en / ru / be text, lengths, ties, duplicates, lazy sumy."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from polyglot_news import summarize as S
from polyglot_news.summarize import methods as M

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
        # 3 of 8 sentences is past AUTO.reduction_from: auto picks what Reduction picks.
        ("auto", "en", [0, 1, 2]),
        ("auto", "ru", [0, 1, 4]),
        ("auto", "be", [0, 4, 7]),
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


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("lead", [0, 1]),
        ("lexrank", [0, 1]),
        ("textrank", [0, 3]),
        ("lsa", [0, 4]),
        ("luhn", [0, 4]),
        ("edmundson", [0, 1]),
        ("kl", [0, 4]),
        ("sumbasic", [0, 3]),
        ("reduction", [0, 4]),
        ("lexrank-lead", [0, 1]),
        ("textrank-lead", [0, 1]),
        ("reduction-lead", [0, 1]),
        ("auto", [0, 4]),  # 2 of 5: past AUTO.reduction_from, as reduction
    ],
)
def test_a_repeated_sentence_is_chosen_once(method: str, expected: list[int]) -> None:
    # Sentence 2 repeats sentence 0: it is skipped in favour of the next distinct one.
    assert S.summarize(DUPLICATES, "en", TOKENIZER, method=method, count=2) == expected
    assert S.summarize(DUPLICATES, "en", TOKENIZER, method=method, count=4) == [0, 1, 3, 4]


@pytest.mark.parametrize("method", sorted(S.METHODS))
@pytest.mark.parametrize(
    "sentences",
    [
        ["Same [1].", "Same [1].", "Other."],
        ["Same [1].", " Same  [1]. ", "Other."],  # whitespace aside, the same text
    ],
)
def test_duplicates_give_way_to_a_distinct_sentence(method: str, sentences: list[str]) -> None:
    assert S.summarize(sentences, "en", TOKENIZER, method=method, count=2) == [0, 2]


@pytest.mark.parametrize("method", sorted(S.METHODS))
def test_repeats_fill_up_when_too_few_sentences_differ(method: str) -> None:
    sentences = ["Bank rates rose.", "Bank rates rose.", "A bridge opened.", "Bank rates rose."]
    chosen = S.summarize(sentences, "en", TOKENIZER, method=method, count=3)
    assert len(chosen) == 3
    assert 2 in chosen


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


# A lead-heavy story written for these tests: the lede (0, 1) says what happened; the long
# later sentences repeat its words (railway bridge, river, coast), which Reduction rewards.
STORY = [
    "Floods closed the main railway bridge in Riverton on Tuesday.",
    "Trains between Riverton and the coast are cancelled until engineers inspect the bridge.",
    "The river rose two metres overnight after three days of heavy rain.",
    "Residents of the lower town were moved to the sports hall.",
    "The town's flood wall was built in 1962 and raised once, in 1988.",
    ("Local shops said the closure of the railway bridge would cost them customers in the busy "
     "season before the holidays."),
    ("Engineers said the inspection of the railway bridge and of the flood wall along the river "
     "could take a week or more, depending on the rain."),
    ("The council said it would pay for buses to replace the trains between Riverton and the coast "
     "while the railway bridge stays closed."),
    "A school trip to the coast was postponed.",
    "Farmers upstream reported flooded fields and lost hay.",
    ("The weather service expects more rain on the river and the coast over the weekend, and the "
     "council has asked residents of the lower town to prepare."),
    "The last flood of this size in Riverton was in 1988.",
]


def test_the_default_is_auto() -> None:
    assert S.DEFAULT_METHOD == "auto"
    assert S.METHODS["auto"] == S.METHODS["reduction"]


def test_a_short_request_on_a_lead_heavy_story_keeps_the_lede() -> None:
    # 2 of 12 sentences: Reduction alone skips the lede's second sentence; auto keeps it, as Lead-N.
    assert S.summarize(STORY, "en", TOKENIZER, method="reduction", count=2) == [0, 6]
    assert S.summarize(STORY, "en", TOKENIZER, count=2) == [0, 1]


@pytest.mark.parametrize(("count", "ratio"), [(5, None), (6, None), (None, 0.5)])
def test_a_long_request_ranks_as_reduction(count: int | None, ratio: float | None) -> None:
    # At or past AUTO.reduction_from of the text, position no longer counts: the best
    # long-summary method's picks, not the fixed Borda blend's.
    auto = S.summarize(STORY, "en", TOKENIZER, count=count, ratio=ratio)
    assert auto == S.summarize(STORY, "en", TOKENIZER, method="reduction", count=count, ratio=ratio)
    assert auto != S.summarize(STORY, "en", TOKENIZER, method="reduction-lead", count=count, ratio=ratio)


def test_auto_scores_depend_on_the_requested_length() -> None:
    short = S.sentence_scores(STORY, "en", TOKENIZER, method="auto", wanted=1)
    long = S.sentence_scores(STORY, "en", TOKENIZER, method="auto", wanted=6)
    reduction = S.sentence_scores(STORY, "en", TOKENIZER, method="reduction")
    assert S.sentence_scores(STORY, "en", TOKENIZER, method="auto") == S.sentence_scores(
        STORY, "en", TOKENIZER, method="auto", wanted=S.DEFAULT_COUNT
    )
    assert S.ranks(long) == S.ranks(reduction)
    assert S.ranks(short) == list(range(len(STORY)))  # a short request: the article's order


@pytest.mark.parametrize(
    ("ratio", "weight"),
    [(0.0, 1.0), (0.2, 1.0), (0.25, 0.5), (0.3, 0.0), (1.0, 0.0)],
)
def test_auto_position_weight_is_lead_then_fades_to_reduction(ratio: float, weight: float) -> None:
    params = S.AutoParams(lead_until=0.2, reduction_from=0.3, overlap=1.0)
    assert params.lead_weight(ratio) == pytest.approx(weight)


def test_the_fitted_constants_are_the_documented_ones() -> None:
    # summary_bench.py --derive prints the fit; README quotes these values.
    assert S.AUTO == S.AutoParams(lead_until=0.35, reduction_from=0.375, overlap=0.6)


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(0.0, [0, 6]), (1.0, [0, 1])],
)
def test_position_blend_ends_are_the_algorithm_and_lead(weight: float, expected: list[int]) -> None:
    reduction = S.sentence_scores(STORY, "en", TOKENIZER, method="reduction")
    blended = S.position_blend(reduction, weight)
    assert sorted(sorted(range(len(STORY)), key=lambda i: (-blended[i], i))[:2]) == expected


@pytest.mark.parametrize(
    ("method", "name"),
    [("auto", "auto.v2"), ("reduction-lead", "reduction-lead"), ("lead", "lead")],
)
def test_signature_name(method: str, name: str) -> None:
    assert S.AUTO_VERSION == 2
    assert S.signature_name(method) == name


def test_signature_name_rejects_unknown_methods() -> None:
    with pytest.raises(ValueError):
        S.signature_name("nope")


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


# A long synthetic text: distinct sentences built from a small vocabulary, in a fixed order.
_VOCABULARY = (
    "council budget transport bus tram mayor city bank rate weather match team river bridge "
    "school teacher price market oil gas vote law court police fire hospital road port"
).split()


def _word(k: int) -> str:
    return _VOCABULARY[k % len(_VOCABULARY)]


LONG = [
    f"Report {i} says the {_word(i)} and the {_word(i * 7)} met the {_word(i * 11 + 3)} near the {_word(i * 13 + 5)}."
    for i in range(4000)
]


@pytest.mark.parametrize("method", sorted(S.METHODS))
def test_a_long_text_ranks_only_its_first_sentences(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small caps keep the test fast; the defaults behave the same, only slower.
    monkeypatch.setattr(M, "MAX_RANKED", 40)
    monkeypatch.setattr(M, "MAX_RANKED_KL", 30)
    cap = 30 if method == "kl" else 40
    chosen = S.summarize(LONG, "en", TOKENIZER, method=method, count=5)
    assert len(chosen) == 5
    assert chosen == sorted(set(chosen))
    assert all(0 <= i < cap for i in chosen)
    # Asked for more than were ranked: all ranked ones, then the next in source order.
    assert S.summarize(LONG, "en", TOKENIZER, method=method, count=50) == list(range(50))
    assert len(S.summarize(LONG, "en", TOKENIZER, method=method, ratio=0.5)) == 2000


@pytest.mark.parametrize("method", sorted(set(S.METHODS) - {"lead"}))
def test_sumy_never_gets_more_than_the_cap(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[int] = []

    def fake_scores(sentences: list[str], *_: object) -> list[float]:
        handed.append(len(sentences))
        return [float(len(s)) for s in sentences]

    monkeypatch.setattr(M, "_sumy_scores", fake_scores)
    # auto runs Reduction only for a long request (a short one keeps the article's order).
    count, ratio = (None, 0.45) if method == "auto" else (3, None)
    chosen = S.summarize(LONG[:600], "en", TOKENIZER, method=method, count=count, ratio=ratio)
    assert handed == [S.MAX_RANKED_KL if method == "kl" else S.MAX_RANKED]
    assert 0 < len(chosen) < handed[0]
    assert all(i < handed[0] for i in chosen)


def test_the_default_method_summarizes_a_long_text_at_the_real_cap() -> None:
    assert (S.MAX_RANKED, S.MAX_RANKED_KL) == (500, 250)
    chosen = S.summarize(LONG, "en", TOKENIZER, count=3)
    assert len(chosen) == 3
    assert all(0 <= i < S.MAX_RANKED for i in chosen)


@pytest.mark.parametrize("method", sorted(S.METHODS))
def test_a_text_at_the_cap_is_ranked_whole(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Texts no longer than the cap (every news article) are ranked exactly as before.
    uncapped = S.sentence_scores(TEXTS["en"], "en", TOKENIZER, method=method)
    monkeypatch.setattr(M, "MAX_RANKED", len(TEXTS["en"]))
    monkeypatch.setattr(M, "MAX_RANKED_KL", len(TEXTS["en"]))
    assert S.sentence_scores(TEXTS["en"], "en", TOKENIZER, method=method) == uncapped


# auto's own steps, on stories written for these tests.
_AFTER = [
    "The river rose two metres overnight after three days of heavy rain.",
    "Residents of the lower town were moved to the sports hall.",
    "A school trip to the coast was postponed.",
    "Farmers upstream reported flooded fields and lost hay.",
    "The weather service expects more rain over the weekend.",
    "The last flood of this size in Riverton was in 1988.",
]
FURNISHED = [
    "Floods closed the main railway bridge in Riverton on Tuesday.",
    "Scroll down for video",
    "Trains between Riverton and the coast are cancelled until engineers inspect the bridge.",
    "Read more: How the flood wall was built",
    *_AFTER,
    "Photo: Riverton Council",
    "The council will meet on Friday.",
]
REPEATING = [
    "Floods closed the main railway bridge in Riverton on Tuesday.",
    "Floods closed the railway bridge in Riverton on Tuesday, engineers said.",  # the lede again
    "Trains between Riverton and the coast are cancelled until engineers inspect it.",
    *_AFTER,
    "The council will meet on Friday.",
]


@pytest.mark.parametrize(
    ("method", "count", "expected"),
    [
        ("lead", 3, [0, 1, 2]),  # Lead-N stays the plain baseline
        ("auto", 3, [0, 2, 4]),  # boilerplate left out, the article's order kept
        ("auto", 9, [0, 2, 4, 5, 6, 7, 8, 9, 11]),  # a long request: every sentence but the furniture
        ("auto", 10, [0, 1, 2, 4, 5, 6, 7, 8, 9, 11]),  # furniture only fills what the rest cannot
    ],
)
def test_auto_leaves_boilerplate_out(method: str, count: int, expected: list[int]) -> None:
    assert S.summarize(FURNISHED, "en", TOKENIZER, method=method, count=count) == expected


@pytest.mark.parametrize(
    ("method", "expected"),
    [("lead", [0, 1, 2]), ("auto", [0, 2, 3])],
)
def test_auto_skips_a_near_repeat(method: str, expected: list[int]) -> None:
    assert S.summarize(REPEATING, "en", TOKENIZER, method=method, count=3) == expected


def test_near_repeats_fill_up_when_too_few_others_remain() -> None:
    sentences = ["Floods closed the bridge.", "The bridge was closed by floods.", "Floods closed the bridge today."]
    assert S.summarize(sentences, "en", TOKENIZER, count=2) == [0, 1]


def test_overlap_one_keeps_near_repeats() -> None:
    params = S.AutoParams(lead_until=0.5, reduction_from=0.6, overlap=1.0)
    assert S.auto_choose(REPEATING, "en", TOKENIZER, 3, params) == [0, 1, 2]


def test_a_short_request_never_runs_sumy(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> list[float]:
        raise AssertionError("sumy ran for a request auto answers with the article's order")

    monkeypatch.setattr(M, "_sumy_scores", refuse)
    assert S.summarize(STORY, "en", TOKENIZER, count=3) == [0, 1, 2]
    with pytest.raises(AssertionError, match="sumy ran"):
        S.summarize(STORY, "en", TOKENIZER, count=6)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sentences": 2, "ratio": 0.5}, "use `sentences` or `ratio`, not both"),
        ({"sentences": 0}, "`sentences` must be a whole number >= 1"),
        ({"sentences": True}, "`sentences` must be a whole number >= 1"),
        ({"sentences": 2.0}, "`sentences` must be a whole number >= 1"),
        ({"ratio": 0}, r"`ratio` must be a number in \(0, 1\]"),
        ({"ratio": 1.5}, r"`ratio` must be a number in \(0, 1\]"),
        ({"ratio": float("nan")}, r"`ratio` must be a number in \(0, 1\]"),
        ({"ratio": "0.5"}, r"`ratio` must be a number in \(0, 1\]"),
        ({"method": "nope"}, "unknown summary method 'nope'"),
        ({"detector": "guess"}, "unknown detector 'guess'"),
        ({"source_lang": "english!"}, "`source_lang` takes language codes"),
    ],
)
def test_a_summary_request_is_checked_once_on_creation(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        S.SummaryRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "total", "length", "label"),
    [
        ({}, 8, 3, "3"),
        ({}, 2, 2, "2"),
        ({"sentences": 5}, 8, 5, "5"),
        ({"sentences": 20}, 8, 8, "8"),
        ({"ratio": 0.5}, 5, 3, "r0.5"),  # rounds half up
        ({"ratio": 0.01}, 10, 1, "r0.01"),  # at least one sentence
    ],
)
def test_a_summary_request_says_its_length(fields: dict[str, object], total: int, length: int, label: str) -> None:
    request = S.SummaryRequest(**fields)  # type: ignore[arg-type]
    assert request.length(total) == length
    assert request.length_label(length) == label


def test_a_summary_request_normalizes_the_language_code() -> None:
    assert S.SummaryRequest(source_lang="BEL").source_lang == "be"


@pytest.mark.parametrize(
    ("request_", "fields", "expected"),
    [
        (None, {}, S.SummaryRequest()),
        (None, {"method": "lead", "sentences": None, "detector": "langdetect"}, S.SummaryRequest(method="lead")),
        (S.SummaryRequest(ratio=0.2), {"method": S.DEFAULT_METHOD, "ratio": None}, S.SummaryRequest(ratio=0.2)),
    ],
)
def test_a_summary_request_from_keywords(
    request_: S.SummaryRequest | None, fields: dict[str, object], expected: S.SummaryRequest
) -> None:
    assert S.SummaryRequest.of(request_, **fields) == expected


def test_a_summary_request_and_its_fields_are_not_given_together() -> None:
    with pytest.raises(ValueError, match=r"give a SummaryRequest or its fields \(`sentences`\), not both"):
        S.SummaryRequest.of(S.SummaryRequest(), sentences=2)
