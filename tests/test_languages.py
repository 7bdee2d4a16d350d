"""Language codes: ISO 639-2/3 and any case mean the project's two-letter codes."""

from __future__ import annotations

import pytest

from polyglot_news.languages import ISO639_3, check_language_code, normalize_code
from polyglot_news.translation.request import TranslationRequest


@pytest.mark.parametrize(
    ("given", "code"),
    [("bel", "be"), ("BEL", "be"), (" Rus ", "ru"), ("eng", "en"), ("ukr", "uk"), ("ger", "de"), ("deu", "de"),
     ("RU", "ru"), ("Be", "be"), ("xx", "xx")],
)  # fmt: skip
def test_codes_are_normalised(given: str, code: str) -> None:
    assert normalize_code(given) == check_language_code(given, "--to") == code


@pytest.mark.parametrize("bad", ["", "r u", "russian", "../x", "e"])
def test_bad_codes_name_the_option(bad: str) -> None:
    with pytest.raises(ValueError, match=r"--to takes language codes like 'en' or 'be'"):
        check_language_code(bad, "--to")


def test_every_table_entry_maps_to_two_letters() -> None:
    assert all(len(code) == 3 and len(two) == 2 for code, two in ISO639_3.items())


def test_request_targets_are_normalised_and_deduplicated() -> None:
    assert TranslationRequest(targets=("RU", "bel", "ru", "Be")).targets == ("ru", "be")


def test_the_evaluate_table_is_the_languages_table() -> None:
    from polyglot_news.evaluate import parallel

    assert parallel.ISO639_3 is ISO639_3
    assert parallel.language_of_column("BEL_Cyrl") == "be"
