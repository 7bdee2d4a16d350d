"""Sentences along a route: the output-language check, with a letter verdict where the detector has none."""

from __future__ import annotations

import pytest

from polyglot_news.document import Sentence


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Сустрэча ў Мінску [1].", "be"),  # ў, і
        ("Пра з'езд NATO.", "be"),  # the apostrophe
        ("Встреча в Минске [1].", "ru"),  # и
        ("Зустріч у Києві.", "uk"),  # ї
        ("NATO 2024", None),
        ("Да.", None),
    ],
)
def test_letter_verdict(text: str, verdict: str | None) -> None:
    from polyglot_news.translation.sentences import letter_verdict

    assert letter_verdict(text) == verdict


def test_short_output_the_detector_cannot_call_still_gets_a_language_check() -> None:
    from polyglot_news.document import Translated
    from polyglot_news.langid.detector import detect
    from polyglot_news.translation.sentences import check_language

    belarusian, russian = Sentence("Мір."), Sentence("Мир.")
    assert detect(belarusian.plain).language == detect(russian.plain).language == "und"  # too short to call
    checked = check_language([Translated(belarusian), Translated(russian)], "be")
    assert [r.flags for r in checked] == [(), ("language:ru",)]
    assert [r.flags for r in check_language([Translated(belarusian)], "ru")] == [("language:be",)]
