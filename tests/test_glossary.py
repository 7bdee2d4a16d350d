"""Newsroom glossary: loading, post-edit with inflection, markers kept."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from polyglot_news.citations import check_invariant, extract
from polyglot_news.document import Marker, Sentence, Translated
from polyglot_news.errors import InputError
from polyglot_news.translation.glossary import load_glossary, parse_glossary
from polyglot_news.translation.postedit import apply

GLOSSARY = (
    "# newsroom spellings\n"
    "source\tru\tbe\n"
    "Lukashenko\tЛукашенко\tЛукашэнка\n"
    "Minsk\tМинск\tМінск\n"
    "Belarus\tБеларусь\tБеларусь\n"
    "Washington\tВашингтон\tВашынгтон\n"
    "United States\tСША\tЗША\n"
    "Armenia\tАрмения\tАрменія\n"
    "European Union\tЕвропейский союз\tЕўрапейскі саюз\n"
    "Rada\t\tРада\n"
)


def _sentence(text: str, index: int = 0) -> Sentence:
    plain, markers = extract(text)
    return Sentence(plain, tuple(markers), index)


def _post_edit(source: str, output: str, source_lang: str, target_lang: str = "be") -> tuple[str, list[Any]]:
    glossary = parse_glossary(GLOSSARY)
    done, hits = apply(glossary, [_sentence(source)], [Translated(_sentence(output))], source_lang, target_lang)
    return done[0].sentence.text, [h.to_dict() for h in hits[0]]


# --- loading -----------------------------------------------------------------------------


def test_parse_reads_terms_and_columns() -> None:
    glossary = parse_glossary(GLOSSARY)
    assert glossary.source_column == "source"
    assert glossary.languages == ("ru", "be")
    assert [t.source for t in glossary.terms][:3] == ["Lukashenko", "Minsk", "Belarus"]
    assert glossary.terms[0].spellings == {"ru": "Лукашенко", "be": "Лукашэнка"}
    assert glossary.terms[-1].spellings == {"be": "Рада"}  # an empty cell is no rule
    assert glossary.signature().startswith("gloss:") and len(glossary.signature()) == 14


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty glossary"),
        ("# only a comment\n\n", "empty glossary"),
        ("source\n", "line 1: the header needs a source column"),
        ("source\tru\t\n", "line 1: the header needs a source column"),
        ("source\tRussian\n", "line 1: header column 'russian' is not a language code"),
        ("source\tru\tru\n", "line 1: a language column is repeated"),
        ("source\tru\nMinsk\tМинск\textra\n", "line 2: 3 tab-separated cells, the header has 2"),
        ("source\tru\n\tМинск\n", "line 2: the first cell (the source term) is empty"),
        ("source\tru\tbe\nMinsk\t\t\n", "line 2: 'Minsk' has no spelling"),
        ("source\tru\n# c\nMinsk\tМинск\nminsk\tМинск\n", "line 4: 'minsk' is already defined on line 3"),
        # A spelling that looks like a marker would put a fake citation into the translation.
        ("source\tru\nunsourced\t[citation needed]\n", "line 2: '[citation needed]' holds a square bracket"),
        ("source\tru\tbe\nnote\tприм.\t[1]\n", "line 2: '[1]' holds a square bracket"),
        ("source\tru\n[sic]\tтак\n", "line 2: '[sic]' holds a square bracket"),
        # Characters that would reach the translation unseen, and cells no glossary needs.
        ("source\tru\nGomel\tГо\rмель\n", "line 2: a carriage return (CR) that does not end a line"),
        ("source\tru\rGomel\tГомель\r", "line 1: a carriage return (CR) that does not end a line"),
        ("source\tru\nGomel\tГо\x1bмель\n", "line 2: 'Го\\x1bмель' holds the control or formatting character U+001B"),
        ("source\tru\nGomel\tГомель\u202e\n", "character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("source\tru\nGomel\tГо\u2028мель\n", "character U+2028 (LINE SEPARATOR)"),
        ("source\tru\nGomel\t" + "Г" * 200_000 + "\n", "line 2: a cell of 200,000 characters (at most 200)"),
        ("source\tru\n" + "G" * 201 + "\tГомель\n", "line 2: a cell of 201 characters (at most 200)"),
    ],
)
def test_parse_rejects_malformed(text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as info:
        parse_glossary(text, "g.tsv")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("g.tsv")


def test_load_accepts_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes("\ufeffsource\tbe\r\nMinsk\tМінск\r\n".encode())
    glossary = load_glossary(path)
    assert glossary.terms[0].spellings == {"be": "Мінск"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"source\tbe\nMinsk\t\xd0\n", r"line 2: invalid UTF-8 at byte 16"),
        (b"source\tbe\n" + b"x\ty\n" * 600_000, "larger than 2 MiB"),
    ],
)
def test_load_rejects_bad_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        load_glossary(path)


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read glossary"):
        load_glossary(tmp_path / "nope.tsv")


_CELLS = st.one_of(
    st.sampled_from(["source", "ru", "be", "RU", "en", "Russian", "", " ", "#", "Minsk", "Мінск",
                     "U.S.", "Санкт-Петербург", "\ufeffsource", "x" * 40]),
    st.text(max_size=8),
)
_LINES = st.lists(st.lists(_CELLS, max_size=5).map("\t".join), max_size=8)


@seed(20261130)
@settings(max_examples=300, deadline=None, database=None)
@given(lines=_LINES, ending=st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))  # the last two: refused
def test_fuzz_glossary_parser_gives_a_glossary_or_an_input_error(lines: list[str], ending: str) -> None:
    """Whatever the text: a Glossary whose rules are usable, or one InputError line."""
    try:
        glossary = parse_glossary(ending.join(lines), "fuzz.tsv")
    except InputError as exc:
        assert str(exc).startswith("fuzz.tsv") and "\n" not in str(exc)
        return
    for term in glossary.terms:
        assert term.source and term.spellings
        assert set(term.spellings) <= set(glossary.languages)
    for target in glossary.languages:
        apply(glossary, [_sentence("Minsk U.S. [1].")], [Translated(_sentence("Мінск [1]."))], "ru", target)


@seed(20261130)
@settings(max_examples=150, deadline=None, database=None)
@given(data=st.binary(max_size=200) | _LINES.map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")))
def test_fuzz_glossary_file_gives_a_glossary_or_an_input_error(tmp_path_factory: Any, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "g.tsv"
    path.write_bytes(data)
    try:
        load_glossary(path)
    except InputError as exc:
        assert "\n" not in str(exc)


# --- post-edit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "output", "source_lang", "expected", "hits"),
    [
        # Russian output where Belarusian was asked: stems respelled, endings kept.
        (
            "Встреча Лукашенку [1] прошла в Минске [2].", "Встреча Лукашенку [1] прошла в Минске [2].", "ru",
            "Встреча Лукашэнку [1] прошла в Мінску [2].",
            [{"term": "Lukashenko", "status": "fixed"}, {"term": "Minsk", "status": "fixed"}],
        ),
        (
            "Между Минском и Вашингтоном [3].", "Между Минском и Вашингтоном [3].", "ru",
            "Между Мінскам и Вашынгтонам [3].",
            [{"term": "Minsk", "status": "fixed"}, {"term": "Washington", "status": "fixed"}],
        ),
        (
            "Власти Беларуси и Армении.", "Власти Беларуси и Армении.", "ru", "Власти Беларусі и Арменіі.",
            [{"term": "Belarus", "status": "fixed"}, {"term": "Armenia", "status": "fixed"}],
        ),
        # Already spelled per glossary, inflected: a hit, nothing changes.
        (
            "Lukashenko met envoys in Minsk.", "Лукашэнка сустрэўся з пасламі ў Мінску.", "en",
            "Лукашэнка сустрэўся з пасламі ў Мінску.",
            [{"term": "Lukashenko", "status": "hit"}, {"term": "Minsk", "status": "hit"}],
        ),
        # An English name left in the output: the base form, the possessive kept.
        (
            "Lukashenko's talks with the United States [1].", "Lukashenko's talks with the United States [1].", "en",
            "Лукашэнка's talks with the ЗША [1].",
            [{"term": "Lukashenko", "status": "fixed"}, {"term": "United States", "status": "fixed"}],
        ),
        # Multi-word terms, word by word with endings.
        (
            "Решение Европейского союза.", "Решение Европейского союза.", "ru", "Решение Еўрапейскага саюза.",
            [{"term": "European Union", "status": "fixed"}],
        ),
        # The term is in the source but the output has no form of it.
        ("Lukashenko spoke [1].", "Президент выступил [1].", "en", "Президент выступил [1].",
         [{"term": "Lukashenko", "status": "miss"}]),
        # A term absent from the source is left alone even if the output has it.
        ("The president spoke.", "Lukashenko выступил.", "en", "Lukashenko выступил.", []),
        # Adjectives and lower-case words are not names: Belarusian ≠ Belarus, рада ≠ Rada.
        ("Belarusian and Belarus.", "Belarusian and Belarus.", "en", "Belarusian and Беларусь.",
         [{"term": "Belarus", "status": "fixed"}]),
        ("Rada [1] said it was рада.", "Rada [1] сказала, что рада.", "en", "Рада [1] сказала, что рада.",
         [{"term": "Rada", "status": "fixed"}]),
    ],
)
def test_apply_post_edits(source: str, output: str, source_lang: str, expected: str, hits: list[Any]) -> None:
    text, report = _post_edit(source, output, source_lang)
    assert text == expected
    assert report == hits


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        # Belarusian -у is locative or dative: kept as it is, the stem respelled.
        ("Сустрэча ў Мінску.", "Встреча в Мінску.", "Встреча в Минску."),
        ("З Лукашэнкам.", "С Лукашэнкам.", "С Лукашенком."),
        ("Улады Беларусі.", "Власти Беларусі.", "Власти Беларуси."),
    ],
)
def test_apply_into_russian(source: str, output: str, expected: str) -> None:
    text, _ = _post_edit(source, output, "be", "ru")
    assert text == expected


NESTED = "source\tru\tbe\nMinsk\tМинск\tМінск\nMinsk Region\tМинская область\tМінская вобласць\n"


@pytest.mark.parametrize(
    ("source", "output", "source_lang", "target_lang", "expected", "hits"),
    [
        # Only the longer term is in the source: its "Minsk" is no term of its own (no false miss).
        ("Officials of the Minsk Region met.", "Чыноўнікі Мінскай вобласці сустрэліся.", "en", "be",
         "Чыноўнікі Мінскай вобласці сустрэліся.", [("Minsk Region", "hit")]),
        ("Officials of the Minsk Region met.", "Officials of the Minsk Region met.", "en", "be",
         "Officials of the Мінская вобласць met.", [("Minsk Region", "fixed")]),
        ("Officials of the Minsk Region met.", "Чиновники Минской области встретились.", "en", "ru",
         "Чиновники Минской области встретились.", [("Minsk Region", "hit")]),
        ("Власти Минской области.", "Власти Минской области.", "ru", "be",
         "Власти Мінскай вобласці.", [("Minsk Region", "fixed")]),
        ("Officials of the Minsk Region met.", "Чыноўнікі сустрэліся.", "en", "be",
         "Чыноўнікі сустрэліся.", [("Minsk Region", "miss")]),
        # Both on their own: each reported once, in source order.
        ("Minsk and the Minsk Region.", "Мінск і Мінская вобласць.", "en", "be",
         "Мінск і Мінская вобласць.", [("Minsk", "hit"), ("Minsk Region", "hit")]),
        ("The Minsk Region and Minsk.", "Мінская вобласць і Мінск.", "en", "be",
         "Мінская вобласць і Мінск.", [("Minsk Region", "hit"), ("Minsk", "hit")]),
        ("The Minsk Region, not Minsk.", "Мінская вобласць.", "en", "be",
         "Мінская вобласць.", [("Minsk Region", "hit"), ("Minsk", "miss")]),
    ],
)  # fmt: skip
def test_apply_nested_terms(
    source: str, output: str, source_lang: str, target_lang: str, expected: str, hits: list[tuple[str, str]]
) -> None:
    glossary = parse_glossary(NESTED)
    done, report = apply(glossary, [_sentence(source)], [Translated(_sentence(output))], source_lang, target_lang)
    assert done[0].sentence.text == expected
    assert [(h.term, h.status) for h in report[0]] == hits


PUNCTUATED = (
    "source\tru\tbe\n"
    "Saint Petersburg\tСанкт-Петербург\tСанкт-Пецярбург\n"
    "U.S.\tСША\tЗША\n"
    "S-400s\tС-400\tС-400\n"
)


@pytest.mark.parametrize(
    ("source", "output", "source_lang", "expected", "hits"),
    [
        # Issue 11 item 4: a hyphen or inner dots in a term no longer hide it.
        ("Форум прошёл в Санкт-Петербург [1].", "Форум прайшоў у Санкт-Петербург [1].", "ru",
         "Форум прайшоў у Санкт-Пецярбург [1].", [("Saint Petersburg", "fixed")]),
        ("Встреча в Санкт-Петербурге [1].", "Сустрэча ў Санкт-Петербурге [1].", "ru",
         "Сустрэча ў Санкт-Пецярбургу [1].", [("Saint Petersburg", "fixed")]),
        ("Встреча в Санкт-Петербурге [1].", "Сустрэча ў Санкт-Пецярбургу [1].", "ru",
         "Сустрэча ў Санкт-Пецярбургу [1].", [("Saint Petersburg", "hit")]),
        ("Встреча в Санкт-Петербурге [1].", "Сустрэча адбылася [1].", "ru",
         "Сустрэча адбылася [1].", [("Saint Petersburg", "miss")]),
        ("The U.S. sold S-400s [2].", "ЗША прадалі S-400s [2].", "en",
         "ЗША прадалі С-400 [2].", [("U.S.", "hit"), ("S-400s", "fixed")]),
        ("Talks with the U.S. [3].", "Перамовы з U.S. [3].", "en", "Перамовы з ЗША [3].", [("U.S.", "fixed")]),
        ("Talks with the U.S.", "Перамовы з U.S.", "en", "Перамовы з ЗША.", [("U.S.", "fixed")]),
        ("The U.S. [1] sold.", "The U.S. [1] sold.", "en", "The ЗША [1] sold.", [("U.S.", "fixed")]),
        ("The U.S. sold S-400s [2].", "Яны прадалі [2].", "en",
         "Яны прадалі [2].", [("U.S.", "miss"), ("S-400s", "miss")]),
        # Not the term: other punctuation between the words, or only part of it.
        ("A U-S deal, U S and the S 400 [4].", "A U-S deal [4].", "en", "A U-S deal [4].", []),
    ],
)  # fmt: skip
def test_apply_terms_with_hyphens_and_dots(
    source: str, output: str, source_lang: str, expected: str, hits: list[tuple[str, str]]
) -> None:
    glossary = parse_glossary(PUNCTUATED)
    done, report = apply(glossary, [_sentence(source)], [Translated(_sentence(output))], source_lang, "be")
    assert done[0].sentence.text == expected
    assert [(h.term, h.status) for h in report[0]] == hits


OUTER = "source\tru\nBelavia\t«Белавиа»\nYahoo\tЯху!\nCoca-Cola\tКока-Кола®\nMinsk\t(Минск)\nU.S.\tU.S.\n"


@pytest.mark.parametrize(
    ("source", "output", "expected", "hits"),
    [
        # The punctuation the glossary writes around a term is written too (not a bare word).
        ("Belavia flies [1].", "Belavia летает [1].", "«Белавиа» летает [1].", [("Belavia", "fixed")]),
        ("Belavia flies [1].", "Белавиа летает [1].", "«Белавиа» летает [1].", [("Belavia", "fixed")]),
        ("Belavia flies [1].", "«Белавиа» летает [1].", "«Белавиа» летает [1].", [("Belavia", "hit")]),
        ("Belavia flies [1].", "«Белавиа летает [1].", "«Белавиа» летает [1].", [("Belavia", "fixed")]),
        ("We use Yahoo [1].", "Мы пользуемся Yahoo [1].", "Мы пользуемся Яху! [1].", [("Yahoo", "fixed")]),
        ("We use Yahoo, then.", "Мы пользуемся Яху!, потом.", "Мы пользуемся Яху!, потом.", [("Yahoo", "hit")]),
        ("Coca-Cola [2] sells.", "Кока-Кола [2] продаёт.", "Кока-Кола® [2] продаёт.", [("Coca-Cola", "fixed")]),
        ("In Minsk today.", "В Минск сегодня.", "В (Минск) сегодня.", [("Minsk", "fixed")]),
        ("In Minsk today.", "В (Минск) сегодня.", "В (Минск) сегодня.", [("Minsk", "hit")]),
        # A closing dot the sentence already has is not written twice.
        ("Talks with the U.S.", "Переговоры с U.S.", "Переговоры с U.S.", [("U.S.", "hit")]),
    ],
)  # fmt: skip
def test_apply_writes_the_punctuation_around_a_term(
    source: str, output: str, expected: str, hits: list[tuple[str, str]]
) -> None:
    glossary = parse_glossary(OUTER)
    done, report = apply(glossary, [_sentence(source)], [Translated(_sentence(output))], "en", "ru")
    assert done[0].sentence.text == expected
    assert [(h.term, h.status) for h in report[0]] == hits


def test_apply_keeps_acronym_case_and_short_terms_exact() -> None:
    text, report = _post_edit("US and us, США.", "US and us, США, СШАх.", "ru")
    assert text == "US and us, ЗША, СШАх."
    assert report == [{"term": "United States", "status": "fixed"}]


def test_apply_reanchors_markers_after_longer_and_shorter_words() -> None:
    source = _sentence("Washington [1] and the United States [2], then Minsk [3].")
    glossary = parse_glossary(GLOSSARY)
    done, _ = apply(glossary, [source], [Translated(source, ("script",))], "en", "be")
    result = done[0]
    assert result.sentence.text == "Вашынгтон [1] and the ЗША [2], then Мінск [3]."
    assert result.flags == ("script",)
    assert [m.text for m in result.sentence.markers] == ["[1]", "[2]", "[3]"]
    assert result.sentence.index == source.index


# --- through a real (echo) package ---------------------------------------------------------


def test_post_edit_through_echo_package(install_packages: Any) -> None:
    from polyglot_news.translation.sentences import translate_sentences

    install_packages("echo-ru_be")
    sources = [_sentence("Лукашенку [1] ждут в Минске.", 0), _sentence("Посольство в Вашингтоне [2].", 1)]
    routed = translate_sentences(sources, "ru", "be")
    edited, hits = apply(parse_glossary(GLOSSARY), sources, routed.results, "ru", "be")
    assert routed.route == "ru→be"
    assert [t.sentence.text for t in edited] == ["Лукашэнку [1] ждут в Мінску.", "Посольство в Вашынгтоне [2]."]
    assert [[h.status for h in row] for row in hits] == [["fixed", "fixed"], ["fixed"]]


# --- property: markers never move relative to their words ---------------------------------

_WORDS = ["Minsk", "Washington", "Lukashenko", "Belarus", "talks", "in", "with", "the", "envoy"]


@settings(max_examples=80, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12),
    slots=st.lists(st.integers(min_value=0, max_value=12), max_size=4),
)
def test_markers_follow_the_same_word(words: list[str], slots: list[int]) -> None:
    plain = " ".join(words) + "."
    ends = [len(" ".join(words[: i + 1])) for i in range(len(words))]
    offsets = sorted(ends[min(s, len(words) - 1)] for s in slots)
    markers = tuple(Marker(f"[{n + 1}]", (str(n + 1),), off, " ") for n, off in enumerate(offsets))
    sentence = Sentence(plain, markers, 0)
    glossary = parse_glossary(GLOSSARY)
    for done in (apply(glossary, [sentence], [Translated(sentence)], "en", "be")[0][0],):
        check_invariant(markers, done.sentence.markers, "test")
        words_before = [len(done.sentence.plain[: m.offset].split()) for m in done.sentence.markers]
        assert words_before == [len(plain[: m.offset].split()) for m in markers]


def _big_glossary(count: int) -> str:
    """GLOSSARY plus ``count`` made-up names that occur in no sentence (Latin, ru, be)."""
    syllables = [("ka", "ка", "ка"), ("ro", "ро", "ра"), ("vi", "ви", "ві"), ("le", "ле", "ле"),
                 ("su", "су", "су"), ("ma", "ма", "ма"), ("to", "то", "та"), ("ne", "не", "не")]
    rows = [GLOSSARY.rstrip("\n")]
    for i in range(count):
        k, parts = i + 8**4, []
        while k:
            k, r = divmod(k, 8)
            parts.append(syllables[r])
        rows.append("\t".join("".join(p[j] for p in parts).capitalize() for j in range(3)))
    return "\n".join(rows) + "\n"


BIG_CASES = [
    ("Лукашенко встретился в Минске с послом США [1].", "Лукашенко встретился в Минске с послом США [1].", "ru"),
    ("Власти Беларуси и Европейского союза [2].", "Власти Беларуси и Европейского союза [2].", "ru"),
    ("Lukashenko met the United States envoy in Minsk [3].", "Lukashenko met the envoy in Minsk [3].", "en"),
]


@pytest.mark.parametrize(("source", "output", "source_lang"), BIG_CASES)
def test_big_glossary_tries_only_the_terms_a_sentence_may_hold(
    monkeypatch: pytest.MonkeyPatch, source: str, output: str, source_lang: str
) -> None:
    """Issue 11 item 22: 40,000 terms cost a few lookups per word, not a scan per term."""
    import polyglot_news.translation.postedit as postedit

    big = parse_glossary(_big_glossary(40_000))
    small = parse_glossary(GLOSSARY)
    sentences, outputs = [_sentence(source)], [Translated(_sentence(output))]
    apply(big, sentences, outputs, source_lang, "be")  # builds the index once
    calls: list[str] = []
    real_find = postedit.find_term

    def counting(text: str, variant: str, inflect: bool = True) -> Any:
        calls.append(variant)
        return real_find(text, variant, inflect)

    monkeypatch.setattr(postedit, "find_term", counting)
    done_big, hits_big = apply(big, sentences, outputs, source_lang, "be")
    assert len(calls) < 40, calls  # a few terms, each with its variants; never 40,000
    done_small, hits_small = apply(small, sentences, outputs, source_lang, "be")
    assert [d.sentence.text for d in done_big] == [d.sentence.text for d in done_small]
    assert hits_big == hits_small and hits_big[0]


def test_text_in_brackets_is_never_rewritten() -> None:
    # A verbatim group ([the Minsk edition]) comes through translation as it stood: the
    # glossary post-edit leaves it alone.
    source = "Lukashenko spoke [the Minsk edition] in Minsk [1]."
    text, hits = _post_edit(source, "Лукашенко говорил [the Minsk edition] в Минске [1].", "en")
    assert text == "Лукашэнка говорил [the Minsk edition] в Мінску [1]."
    assert [h["status"] for h in hits] == ["fixed", "fixed"]
