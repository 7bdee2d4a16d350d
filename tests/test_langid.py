"""Language detection: be/ru/uk told apart, other languages via langdetect, refusals with reasons.

Every sentence here was written for these tests.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from polyglot_news.document import Detection
from polyglot_news.errors import DetectorUnavailableError
from polyglot_news.langid import detector as detect_module
from polyglot_news.langid import lingua_backend
from polyglot_news.langid.detector import detect, detector_signature
from polyglot_news.version import install_hint

from .helpers import finishes_within

ROOT = Path(__file__).resolve().parents[1]

DETECTED = [
    # Belarusian: with ў, without ў (і, ы, э, дз, ц carry it), without ў or і, Taraškievica.
    ("be", "Учора ўвечары ў Мінску прайшоў вялікі канцэрт."),
    ("be", "Гэта была вельмі цікавая кніга пра вёску."),
    ("be", "Мы хочам паехаць да мора разам з сябрамі."),
    ("be", "Дзякуй, сябры, за вашу падтрымку!"),
    ("be", "Сёння надвор'е добрае, пойдзем гуляць."),
    ("be", "Беларуская грамадзкасьць абмяркоўвае новы закон."),
    ("be", "Эканамiчныя навiны"),  # Latin i typed inside Cyrillic words
    (
        "be",
        ("Урад паведаміў, што ў наступным годзе падаткі для малога бізнесу не зменяцца. "
         "Эксперты лічаць, што гэта дапаможа захаваць працоўныя месцы ў рэгіёнах, "
         "дзе заробкі і так значна ніжэйшыя, чым у сталіцы."),
    ),
    # Russian and Ukrainian, short and long.
    ("ru", "Вчера вечером в Минске прошёл большой концерт."),
    ("ru", "Мы хотим поехать на море вместе с друзьями."),
    (
        "ru",
        ("Правительство опубликовало новый доклад об экономике страны. По мнению авторов, "
         "рост цен в ближайшие месяцы замедлится, однако реальные доходы населения всё ещё "
         "остаются ниже, чем пять лет назад."),
    ),
    ("uk", "Учора ввечері в Києві відбувся великий концерт."),
    ("uk", "Ми хочемо поїхати на море разом із друзями."),
    (
        "uk",
        ("Уряд оприлюднив нову доповідь про економіку країни. На думку авторів, зростання "
         "цін найближчими місяцями сповільниться, проте реальні доходи населення досі "
         "залишаються нижчими, ніж п'ять років тому."),
    ),
    # Other Cyrillic languages the model knows.
    ("bg", "Правителството представи днес новия бюджет за следващата година."),
    ("mk", "Владата денеска го претстави новиот буџет за следната година."),
    ("sr", "Влада је данас представила нови буџет за следећу годину."),
    ("kk", "Үкімет бүгін келесі жылға арналған жаңа бюджетті ұсынды."),
    ("mn", "Засгийн газар өнөөдөр ирэх оны төсвийг танилцуулав."),
    # Latin script goes to langdetect.
    ("en", "The committee will publish its final report next week."),
    ("de", "Die Regierung hat heute einen neuen Haushaltsplan vorgestellt."),
    ("fr", "Le gouvernement a présenté un nouveau budget ce matin."),
    ("pl", "Rząd przedstawił dziś nowy projekt budżetu na przyszły rok."),
]


@pytest.mark.parametrize(("expected", "text"), DETECTED)
def test_detects_language(expected: str, text: str) -> None:
    found = detect(text)
    assert (found.language, found.reason) == (expected, "detected")
    assert 0.5 <= found.confidence <= 1.0


REFUSED = [
    ("", "no-letters"),
    ("   \n\t ", "no-letters"),
    ("12345 !!! 2024-05-01 ...", "no-letters"),
    ("https://example.org/some/path", "no-letters"),
    ("Да", "too-short"),  # ru, bg, mk, sr, uk all write it: two letters say nothing
    ("ok", "too-short"),
    ("Hello my dear friends and colleagues! Прывітанне, дарагія сябры!", "mixed"),
    (
        ("The minister said on Monday that the new rules would come into force next spring, after a "
         "long consultation with trade unions and employers. Le ministre a déclaré lundi que les "
         "nouvelles règles entreraient en vigueur au printemps prochain, après une longue consultation."),
        "mixed",
    ),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_refuses_with_reason(text: str, reason: str) -> None:
    assert detect(text) == Detection("und", 0.0, reason)


# Short strings (headlines, captions, one-line translate input), written for these tests and
# kept out of lang_models/langid_corpus: each must be called, and called right.
SHORT = [
    ("be", "Навіны за тыдзень"),
    ("be", "Надвор'е ў Гомелі"),
    ("be", "Фота: чарга ля крамы"),
    ("be", "Што здарылася ўчора?"),
    ("be", "Мы ідзём дадому."),
    ("be", "Цэны на малако"),
    ("be", "Дзяржаўны бюджэт"),
    ("be", "Гэта праўда?"),
    ("ru", "Новости за неделю"),
    ("ru", "Погода в Гомеле"),
    ("ru", "Фото: очередь у магазина"),
    ("ru", "Что случилось вчера?"),
    ("ru", "Мы идём домой."),
    ("ru", "Цены на молоко"),
    ("ru", "Государственный бюджет"),
    ("ru", "Это правда?"),
    ("uk", "Новини за тиждень"),
    ("uk", "Погода в Житомирі"),
    ("uk", "Фото: черга біля крамниці"),
    ("uk", "Що сталося вчора?"),
    ("uk", "Ми йдемо додому."),
    ("uk", "Ціни на молоко"),
    ("uk", "Державний бюджет"),
    ("uk", "Це правда?"),
    ("bg", "Новини от седмицата"),
    ("bg", "Какво се случи вчера?"),
    ("bg", "Цените на млякото"),
    ("mk", "Вести од неделата"),
    ("mk", "Што се случи вчера?"),
    ("mk", "Цените на млекото"),
    ("sr", "Вести из недеље"),
    ("sr", "Шта се десило јуче?"),
    ("sr", "Цене млека"),
    ("sr", "Избори у општини"),
    ("sr", "Пожар у шуми"),
    ("kk", "Апта жаңалықтары"),
    ("mn", "Долоо хоногийн мэдээ"),
    ("en", "News of the week"),
    ("en", "What happened yesterday?"),
    ("en", "Milk prices rise"),
    ("en", "Children and parents"),
    ("de", "Was ist gestern passiert?"),
    ("fr", "Qu'est-ce qui s'est passé hier ?"),
    ("es", "¿Qué pasó ayer?"),
    ("it", "Cosa è successo ieri?"),
    ("pl", "Co się wczoraj stało?"),
    ("nl", "Wat is er gisteren gebeurd?"),
    ("pt", "O que aconteceu ontem?"),
    ("cs", "Co se včera stalo?"),
    ("sk", "Čo sa včera stalo?"),
    ("tr", "Dün ne oldu?"),
    ("lt", "Kas nutiko vakar?"),
]


@pytest.mark.parametrize(("expected", "text"), SHORT)
def test_detects_short_text(expected: str, text: str) -> None:
    found = detect(text)
    assert (found.language, found.reason) == (expected, "detected")


# Macedonian and Bulgarian headlines and word pairs, written for these tests and kept out of
# lang_models/langid_corpus. Most carry none of the letters that settle it (ѓ ќ ѕ љ њ џ ј against
# щ ъ ю я й ь): the word endings must, Macedonian articles (-от, -та, -те) against Bulgarian
# prepositions and articles (в, от, -ът, -ят). langdetect alone calls some of them wrong.
SHORT_MK_BG = [
    ("mk", "Протест пред собранието"),
    ("mk", "Фестивалот на филмот"),
    ("mk", "Пожар во шумата"),
    ("mk", "Реката ги поплави нивите"),
    ("mk", "Владата и синдикатите"),
    ("mk", "Натпреварот беше прекинат"),
    ("mk", "стадионот градскиот"),
    ("mk", "претседателот одговори"),
    ("bg", "Протест пред парламента"),
    ("bg", "Пожар в гората"),
    ("bg", "Служителите в болницата"),
    ("bg", "Правителството и синдикатите"),
    ("bg", "снимки от града"),
    ("bg", "председателят отговори"),
    ("bg", "Кога ще има резултати"),
]


@pytest.mark.parametrize(("expected", "text"), SHORT_MK_BG)
def test_tells_macedonian_from_bulgarian_in_short_text(expected: str, text: str) -> None:
    found = detect(text)
    assert (found.language, found.reason) == (expected, "detected")
    assert found.confidence >= 0.9


# Headlines and one-line `translate` input: short English is this product's most frequent input.
# Written for these tests; langdetect's sampling alone called several of them nl or es.
SHORT_ENGLISH = [
    "Central bank holds rates steady", "Storm cuts power to thousands", "Mayor unveils housing plan",
    "Parliament backs budget deal", "Flood warnings issued for coast", "Minister resigns over leaked emails",
    "Rail strike called off", "Vaccine trial shows promise", "Markets slide as oil prices climb",
    "Police arrest two after robbery", "Local elections postponed", "Drought threatens wheat harvest",
    "Union rejects pay offer", "Please send the report by Friday.", "The talks will resume next week.",
    "quarterly earnings", "border crossing", "village school", "energy prices", "weather forecast",
    "football league", "steel exports",
]
# Bulgarian headlines and two-word strings, written for these tests: ъ, щ and the definite articles.
SHORT_BULGARIAN = [
    "Правителството подаде оставка", "Цените на тока се вдигат", "Нов закон за пътищата",
    "Кметът откри новия мост", "Кой ще спечели изборите?", "Съдът отложи делото",
    "Болниците търсят лекари", "Учителите искат по-високи заплати", "Синдикатите обявиха стачка",
    "българският отбор", "новият министър", "градският транспорт",
]


@pytest.mark.parametrize(
    ("expected", "text"), [("en", s) for s in SHORT_ENGLISH] + [("bg", s) for s in SHORT_BULGARIAN]
)
def test_detects_short_english_and_bulgarian(expected: str, text: str) -> None:
    found = detect(text)
    assert (found.language, found.reason) == (expected, "detected")


@pytest.mark.parametrize("text", ["Wasser", "Danke", "Gracias", "Nein"])
def test_english_first_does_not_call_one_short_foreign_word_english(text: str) -> None:
    """Under eight letters the English prior is left out: the word must be called surely on its own."""
    assert detect(text).language != "en"


# Genuinely uncallable: one word that several languages write the same way.
UNCALLABLE = [
    "Так",  # be, ru, uk
    "Мама",  # be, bg, mk, ru, sr, uk
    "Театр",  # kk, mn, ru, uk
    "Добро",  # bg, mk, ru, sr, uk
    "Радио",  # bg, mk, ru, sr
    "Минск",  # ru, bg, mk
]


@pytest.mark.parametrize("text", UNCALLABLE)
def test_abstains_on_a_word_many_languages_share(text: str) -> None:
    found = detect(text)
    assert (found.language, found.reason) == ("und", "uncertain")


@pytest.mark.parametrize(
    ("text", "min_chars", "expected"),
    [
        ("Дзякуй вам", 12, "und"),
        ("Дзякуй вам", 5, "be"),
        ("Дзякуй вам", 3, "be"),  # the default
        ("Учора ўвечары ў Мінску", 40, "und"),
    ],
)
def test_min_chars(text: str, min_chars: int, expected: str) -> None:
    assert detect(text, min_chars=min_chars).language == expected


def test_latin_names_in_cyrillic_text_are_not_mixed() -> None:
    found = detect("Кампанія Apple і Google абмеркавалі новыя правілы ў Мінску.")
    assert found.language == "be"


def test_detection_is_deterministic_within_a_process() -> None:
    text = "Новы мост адкрыюць увосень."
    assert detect(text) == detect(text)


def test_detection_is_deterministic_across_processes() -> None:
    texts = ["Новы мост адкрыюць увосень.", "Он упал, но встал.", "Ти добре готуєш вечерю.", "Do let us go now."]
    code = (
        "import json, sys\n"
         "from polyglot_news.langid.detector import detect\n"
         "print(json.dumps([detect(t).to_dict() for t in json.loads(sys.stdin.read())]))\n"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True, env=env, check=True
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0] == [detect(t).to_dict() for t in texts]


def test_import_is_cheap() -> None:
    code = (
        "import sys\n"
         "import polyglot_news.langid.detector\n"
         "print(','.join(sorted(m for m in sys.modules if m.startswith('langdetect'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == ""


# Long texts: a few sentences written for these tests, repeated to article-dump sizes.
LONG_EN = (
    "The regional council met again on Tuesday to discuss the budget for schools. "
    "Teachers asked for higher salaries and smaller classes in the villages. "
    "The mayor promised an answer before the end of the month. "
)
LONG_FR = (
    "Le conseil régional s'est réuni mardi pour discuter du budget des écoles. "
    "Les enseignants ont demandé des salaires plus élevés et des classes plus petites. "
    "Le maire a promis une réponse avant la fin du mois. "
)
LONG_RU = (
    "Областной совет во вторник снова обсуждал бюджет для школ. "
    "Учителя просили повысить зарплаты и уменьшить классы в деревнях. "
    "Мэр пообещал дать ответ до конца месяца. "
)
LONG_UK = (
    "Обласна рада у вівторок знову обговорювала бюджет для шкіл. "
    "Вчителі просили підвищити зарплати та зменшити класи в селах. "
    "Мер пообіцяв дати відповідь до кінця місяця. "
)
LONG_BE = (
    "Абласны савет у аўторак зноў абмяркоўваў бюджэт для школ. "
    "Настаўнікі прасілі павысіць заробкі і зменшыць класы ў вёсках. "
    "Мэр паабяцаў даць адказ да канца месяца. "
)
REPEATS = 400  # about 75 000 characters per language, several hundred chunks in all


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LONG_EN * REPEATS + LONG_RU * REPEATS, Detection("und", 0.0, "mixed")),  # two scripts
        (LONG_EN * REPEATS + LONG_FR * REPEATS, Detection("und", 0.0, "mixed")),  # one script
        (LONG_RU * REPEATS + LONG_UK * REPEATS, Detection("und", 0.0, "mixed")),
        (LONG_BE * REPEATS + LONG_RU * REPEATS, Detection("und", 0.0, "mixed")),
        ((LONG_UK * 20 + LONG_RU * 20) * (REPEATS // 20), Detection("und", 0.0, "mixed")),  # alternating
    ],
)
def test_very_long_mixed_text_is_still_mixed(text: str, expected: Detection) -> None:
    assert detect(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(LONG_EN * 2 * REPEATS, "en"), (LONG_RU * 2 * REPEATS, "ru"), (LONG_BE * 2 * REPEATS, "be")],
)
def test_very_long_single_language_text_is_detected(text: str, expected: str) -> None:
    found = detect(text)
    assert (found.language, found.reason) == (expected, "detected")


@pytest.mark.parametrize(("repeats", "at_most"), [(4, 1 + 6), (400, 1 + 12)])
def test_mixed_check_classifies_a_bounded_number_of_chunks(
    monkeypatch: pytest.MonkeyPatch, repeats: int, at_most: int
) -> None:
    # One call for the whole text, then one per chunk (every chunk of a short text, at most 12),
    # stopping once the chunks left could not make a second language's share.
    calls: list[int] = []
    original = detect_module._classify

    def counting(words: list[str], script: str, backend: Any, sure: float = 1.0) -> tuple[str, float]:
        calls.append(len(words))
        return original(words, script, backend, sure)

    monkeypatch.setattr(detect_module, "_classify", counting)
    assert detect(LONG_RU * repeats).language == "ru"
    assert 1 + 2 <= len(calls) <= at_most


def _classic_factory(name: str) -> Any:
    """langdetect's own DetectorFactory over the same profiles, every row built by add_profile."""
    import json

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory  # type: ignore[import-untyped]
    from langdetect.utils.lang_profile import LangProfile  # type: ignore[import-untyped]

    langs = sorted(os.listdir(PROFILES_DIRECTORY)) if name == "all" else ["bg", "mk", "ru", "uk"]
    made = DetectorFactory()
    made.set_seed(0)
    for index, lang in enumerate(langs):
        with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as handle:
            made.add_profile(LangProfile(**json.load(handle)), index, len(langs))
    return made


@pytest.mark.parametrize("factory", ["all", "cyrillic"])
def test_profile_rows_built_on_demand_equal_langdetects_own(factory: str) -> None:
    ours, theirs = detect_module._factory(factory), _classic_factory(factory)
    assert ours.langlist == theirs.langlist
    grams = sorted(theirs.word_lang_prob_map)
    assert all(gram in ours.word_lang_prob_map for gram in grams)
    assert "qqqq" not in ours.word_lang_prob_map and ours.word_lang_prob_map.get("qqqq") is None
    assert all(ours.word_lang_prob_map[gram] == theirs.word_lang_prob_map[gram] for gram in grams[::7])


@pytest.mark.parametrize(
    "text",
    [
        "the council met on tuesday to discuss the new bus routes",  # words joined by one space: kept per word
        "вчера вечером в минске прошёл большой концерт",
        "don't stop l'école naïve façade",
        "Capital LETTERS and NATO AND UN",  # capital words: langdetect skips their n-grams
        "mixed кириллица and latin words latin words latin",
        "visit https://example.org or mail a@b.org now",  # URLs and e-mail: langdetect's own path
        "  double  spaces ",
        "tiếng việt có dấu",
        "",
    ],
)
def test_ngrams_kept_per_word_equal_langdetects_extraction(text: str) -> None:
    from polyglot_news.langid import langdetect_fast

    for name in ("all", "cyrillic"):
        reference = _classic_factory(name).create()
        reference.append(text)
        reference.cleaning_text()
        assert langdetect_fast.extract_ngrams(detect_module._factory(name), text)[1] == reference._extract_ngrams()


@pytest.mark.parametrize("factory", ["all", "cyrillic"])
@pytest.mark.parametrize(
    "text",
    [
        "The city council met on Tuesday to discuss the new bus routes.",
        "Вчера вечером в Минске прошёл большой концерт.",
        "Учора ўвечары ў Мінску прайшоў вялікі канцэрт.",
        "Die Regierung hat heute den neuen Haushalt vorgestellt.",
        "ok",
        "12345 !!!",
    ],
)
def test_fast_langdetect_equals_langdetect_bit_for_bit(factory: str, text: str) -> None:
    from langdetect.lang_detect_exception import LangDetectException  # type: ignore[import-untyped]

    from polyglot_news.langid import langdetect_fast

    seeded = detect_module._factory(factory)
    reference = _classic_factory(factory).create()
    reference.append(text)
    try:
        reference.get_probabilities()
        expected: list[float] | None = [float(p) for p in reference.langprob]
    except LangDetectException:
        expected = None
    assert langdetect_fast.probabilities(seeded, text) == expected


# The optional lingua backend (pip install '.[lingua]'): skipped where it is not installed.
needs_lingua = pytest.mark.skipif(not lingua_backend.available(), reason="lingua is not installed")


LINGUA_MISSES = {"Co se včera stalo?"}  # lingua itself reads this Czech question as Slovene


@needs_lingua
@pytest.mark.parametrize(("expected", "text"), [c for c in [*SHORT, *DETECTED] if c[1] not in LINGUA_MISSES])
def test_lingua_detects_short_and_long_text(expected: str, text: str) -> None:
    found = detect(text, detector="lingua")
    assert (found.language, found.reason, found.detector) == (expected, "detected", "lingua")


@needs_lingua
def test_lingua_is_asked_only_about_the_languages_the_default_detector_can_name() -> None:
    import os

    from langdetect.detector_factory import PROFILES_DIRECTORY
    from lingua import Language

    langdetect_names = {name.split("-", 1)[0] for name in os.listdir(PROFILES_DIRECTORY)}
    theirs = {language.iso_code_639_1.name.lower() for language in Language.all()}
    asked = set(lingua_backend.languages())
    assert asked == (langdetect_names | {"be", "bg", "kk", "mk", "mn", "ru", "sr", "uk"}) & theirs
    assert len(asked) < len(theirs)
    assert {"be", "en", "ru", "uk", "sr", "kk", "mn"} <= asked and not asked & {"eo", "la", "zu", "yo", "nn"}


@needs_lingua
@pytest.mark.parametrize(
    "text",
    [
        "Mi amas la novan ponton super la rivero.",  # Esperanto: lingua knows it, the detector does not
        "Ngiyabonga kakhulu ngosizo lwakho namuhla.",  # Zulu
    ],
)
def test_lingua_never_names_a_language_outside_its_list(text: str) -> None:
    assert detect(text, detector="lingua").language in {*lingua_backend.languages(), "und"}


@needs_lingua
def test_lingua_signature_names_lingua_and_the_cyrillic_model() -> None:
    count = len(lingua_backend.languages())
    assert detector_signature("lingua") == f"lingua-{lingua_backend.version()}/{count}+cyr{detect_module.MODEL_VERSION}"
    assert detector_signature() == f"langdetect-1.0.9+cyr{detect_module.MODEL_VERSION}+lat1-s0"


def test_unknown_detector_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown detector 'cld3'"):
        detect("Вчера вечером в Минске прошёл концерт.", detector="cld3")


def test_lingua_missing_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lingua_backend, "available", lambda: False)
    with pytest.raises(DetectorUnavailableError, match=re.escape(install_hint("lingua"))) as caught:
        detect("Вчера вечером в Минске прошёл концерт.", detector="lingua")
    assert caught.value.exit_code == 2


def test_cli_lingua_missing_exits_2_with_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from polyglot_news.cli import cli

    monkeypatch.setattr(lingua_backend, "available", lambda: False)
    result = CliRunner().invoke(cli, ["detect", "--detector", "lingua"], input="Вчера вечером прошёл концерт.\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"run: {install_hint('lingua')}" in result.stderr  # `pip install -e '.[lingua]'` from the checkout
    assert "polyglot-news[" not in result.stderr


def test_digest_signature_names_the_detector() -> None:
    from polyglot_news import digest

    found = digest("Новы мост\nНовы мост праз раку адкрыюць увосень. Ён будзе самым доўгім у горадзе.\n")
    assert found.signature.startswith(f"det:langdetect-1.0.9+cyr{detect_module.MODEL_VERSION}+lat1-s0|")


# ------------------------------------------------------------------ addresses dropped in linear time

_QUADRATIC_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
"""The address pattern as it was: 5.9 s on one 40,000-character token."""


@pytest.mark.parametrize(
    "token",
    [
        "'1' * 400_000",  # no @: the old pattern scanned to the token's end from each of its characters
        "'x' * 400_000 + '@'",
        "'@' * 40_000",  # many @: the old pattern tried each pair of them
        "'a@' * 20_000",
        "'a@b.' * 20_000",
    ],
)
def test_a_long_token_is_read_in_linear_time(token: str) -> None:
    # At these sizes the old pattern takes from ten minutes to hours; the new one milliseconds.
    finishes_within(
        "from polyglot_news.langid.detector import detect\n"
        f"detect({token} + ' The city opened a new tram line on Monday, officials said.')",
        60,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Write to editor@example.com today.", "mail:a@b.c, then x@y", "a@b@c.d.e@f", "@a@b.c", "a@.b",
        "see http://example.com/a@b.c", "(www.example.com) and me@host.by.", "x@y.z-http://q.r/s", "a@b.c,d@e.f",
        "пошта: рэдакцыя@навіны.бел.", "a@b_c", "a@b.", "@@.@@.x", "nope @ . x", "WWW.EXAMPLE.COM/путь",
    ],
)
def test_addresses_are_dropped_as_before(text: str) -> None:
    assert detect_module._URL.sub(" ", text) == _QUADRATIC_URL.sub(" ", text)
