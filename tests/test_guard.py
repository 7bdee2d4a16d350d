"""The degenerate-output guard on crafted translations."""

from __future__ import annotations

import pytest

from polyglot_news.guard import FLAGS, check, repetition, script_share

SOURCE = "The talks between Minsk and Washington resumed on Tuesday."


@pytest.mark.parametrize(
    ("source", "target", "lang", "expected"),
    [
        (SOURCE, "Переговоры между Минском и Вашингтоном возобновились во вторник.", "ru", ()),
        (SOURCE, "Перамовы паміж Мінскам і Вашынгтонам аднавіліся ў аўторак.", "be", ()),
        (SOURCE, "", "ru", ("empty",)),
        (SOURCE, "   ", "be", ("empty",)),
        ("", "", "ru", ()),
        ("   ", "что-то", "ru", ()),
        (SOURCE, "Переговоры переговоры переговоры переговоры возобновились.", "ru", ("repetition",)),
        (SOURCE, "Минск и и и и и Вашингтон возобновили переговоры во вторник.", "ru", ("repetition",)),
        (SOURCE, "в Минске в Минске в Минске в Минске возобновились переговоры.", "ru", ("repetition",)),
        ("Ha ha ha ha ha, he said.", "Ха ха ха ха ха, сказал он.", "ru", ()),
        (SOURCE, "Переговоры.", "ru", ("length-ratio",)),
        ("Yes.", "Да.", "ru", ()),
        (SOURCE, "Переговоры между Минском и Вашингтоном возобновились во вторник, " * 4, "ru",
         ("repetition", "length-ratio")),
        (SOURCE, "The talks between Minsk and Washington resumed on Tuesday.", "ru", ("script",)),
        (SOURCE, "Talks Минск Washington resumed вторник.", "be", ("script",)),
        (SOURCE, "Переговоры NATO, EU и OSCE во вторник возобновились в Минске.", "ru", ()),
        (SOURCE, "Переговоры возобновились во вторник в Минске.", "en", ("script",)),
        (SOURCE, "Переговоры возобновились во вторник в Минске.", "xx", ()),
        (SOURCE, "Переговоры возобновились во вторник в Минске.", None, ()),
        (SOURCE, "2024 — 15:30, 7/8.", "ru", ()),
        (SOURCE, "Переговоры в Минске\x06 возобновились во вторник.", "ru", ("garbage",)),
        (SOURCE, "Переговоры в Минске \ufffd возобновились во вторник.", "ru", ("garbage",)),
        (SOURCE, "Переговоры в \u2047 возобновились во вторник.", "ru", ("garbage",)),
        ("Talks \u2047 resumed in Minsk on Tuesday.", "Переговоры \u2047 возобновились во вторник.", "ru", ()),
        (SOURCE, "T T T T T\x05", "ru", ("garbage", "repetition", "length-ratio", "script")),
    ],
)  # fmt: skip
def test_check(source: str, target: str, lang: str | None, expected: tuple[str, ...]) -> None:
    flags = check(source, target, lang)
    assert flags == expected
    assert all(flag in FLAGS for flag in flags)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("one", 0),
        ("a a a", 0),
        ("a a a a", 4),
        ("a b a b c", 0),
        ("a b a b a b c", 6),
        ("The the THE the", 4),
        ("x y z w x y z w", 0),
        ("x y z w x y z w x y z w", 12),
        ("!!!!", 4),
    ],
)
def test_repetition(text: str, expected: int) -> None:
    assert repetition(text) == expected


@pytest.mark.parametrize(
    ("text", "script", "expected"),
    [
        ("Минск", "Cyrillic", 1.0),
        ("Minsk", "Cyrillic", 0.0),
        ("Минск Minsk", "Latin", 0.5),
        ("abc", "Latin", None),
        ("12345 !!", "Latin", None),
        ("Ўладзімір і Ігар", "Cyrillic", 1.0),
    ],
)
def test_script_share(text: str, script: str, expected: float | None) -> None:
    assert script_share(text, script) == expected
